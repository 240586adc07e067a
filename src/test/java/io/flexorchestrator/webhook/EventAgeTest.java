package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventAgeTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final EventAge age = new EventAge(Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void readsTwiliosTimes() {
    assertThat(EventAge.epoch("1764763200", null)).contains(Instant.parse("2025-12-03T12:00:00Z"));
    assertThat(EventAge.epoch(null, "1764763200123")).contains(Instant.parse("2025-12-03T12:00:00.123Z"));
    assertThat(EventAge.date("2022-02-21T05:01:46.886Z")).contains(Instant.parse("2022-02-21T05:01:46.886Z"));
    assertThat(EventAge.date(null, "2022-02-21T05:01:46+00:00")).contains(Instant.parse("2022-02-21T05:01:46Z"));
    assertThat(EventAge.date("Mon, 21 Feb 2022 05:01:46 +0000")).contains(Instant.parse("2022-02-21T05:01:46Z"));
    assertThat(EventAge.date("yesterday")).isEmpty();
    assertThat(EventAge.epoch("soon", null)).isEmpty();
  }

  @Test
  void refusesWhatIsOlderThanTheRetentionAndNothingElse() {
    age.check(Optional.of(NOW.minus(Duration.ofDays(6))), "task.completed");
    age.check(Optional.of(NOW.plusSeconds(30)), "task.completed");
    age.check(Optional.empty(), "task.completed");
    assertThatThrownBy(() -> age.check(Optional.of(NOW.minus(Duration.ofDays(8))), "task.completed"))
        .isInstanceOf(WebhookRejection.class)
        .satisfies(e -> assertThat(((WebhookRejection) e).status()).isEqualTo(410))
        .hasMessageContaining("older than the inbox retention");
  }
}
