package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final MovableClock clock = new MovableClock();
  private final LoginThrottle throttle = new LoginThrottle(new SecurityProperties.LoginThrottleSettings(
      3, Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofSeconds(60), 2), clock);

  @Test
  void anAddressWaitsAfterItsFreeFailuresLongerWithEachFurtherOne() {
    for (int i = 0; i < 3; i++) {
      throttle.failed("10.0.0.1");
      assertThat(throttle.blocked("10.0.0.1")).isEmpty();
    }
    throttle.failed("10.0.0.1");
    assertThat(throttle.blocked("10.0.0.1")).contains(Duration.ofSeconds(1));
    throttle.failed("10.0.0.1");
    assertThat(throttle.blocked("10.0.0.1")).contains(Duration.ofSeconds(2));
    for (int i = 0; i < 20; i++) {
      throttle.failed("10.0.0.1");
    }
    assertThat(throttle.blocked("10.0.0.1")).as("capped").contains(Duration.ofSeconds(60));
    assertThat(throttle.blocked("10.0.0.2")).as("another address is not affected").isEmpty();

    clock.now = clock.now.plusSeconds(61);
    assertThat(throttle.blocked("10.0.0.1")).isEmpty();
    throttle.failed("10.0.0.1");
    assertThat(throttle.blocked("10.0.0.1")).as("still over its free failures").isPresent();
  }

  @Test
  void failuresAreForgottenAfterTheWindowAndTheMemoryIsBounded() {
    for (int i = 0; i < 4; i++) {
      throttle.failed("10.0.0.1");
    }
    clock.now = clock.now.plus(Duration.ofMinutes(16));
    throttle.failed("10.0.0.1");
    assertThat(throttle.blocked("10.0.0.1")).isEmpty();

    for (int i = 0; i < 4; i++) {
      throttle.failed("10.0.0.3");
    }
    assertThat(throttle.blocked("10.0.0.3")).isPresent();
    throttle.failed("10.0.0.4");
    throttle.failed("10.0.0.5");
    assertThat(throttle.blocked("10.0.0.3")).as("the least recently seen of more than 2 is forgotten")
        .isEmpty();
  }
}
