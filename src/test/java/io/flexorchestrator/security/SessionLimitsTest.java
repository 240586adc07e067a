package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpSessionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpSession;

class SessionLimitsTest {

  private final SessionLimits limits = new SessionLimits(new SecurityProperties("ops", "viewers",
      null, 100, Duration.ofSeconds(5),
      new SecurityProperties.SessionSettings(Duration.ofMinutes(2), 3, 2)), Duration.ofMinutes(15));

  private MockHttpSession created() {
    MockHttpSession session = new MockHttpSession();
    limits.sessionCreated(new HttpSessionEvent(session));
    return session;
  }

  @Test
  void anonymousSessionsAreShortAndTheOldestGoesBeyondTheCap() {
    List<MockHttpSession> sessions = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sessions.add(created());
    }
    assertThat(sessions.get(4).getMaxInactiveInterval()).isEqualTo(120);
    assertThat(limits.anonymousCount()).isEqualTo(3);
    assertThat(sessions.get(0).isInvalid()).isTrue();
    assertThat(sessions.get(1).isInvalid()).isTrue();
    assertThat(sessions.get(2).isInvalid()).isFalse();
  }

  @Test
  void aLoggedInSessionGetsTheFullTimeoutAndSurvivesAnAnonymousFlood() {
    MockHttpSession operator = created();
    limits.loggedIn(operator);
    assertThat(operator.getMaxInactiveInterval()).isEqualTo(900);
    for (int i = 0; i < 10; i++) {
      created();
    }
    assertThat(operator.isInvalid()).isFalse();
    assertThat(limits.authenticatedCount()).isEqualTo(1);
    MockHttpSession second = created();
    limits.loggedIn(second);
    MockHttpSession third = created();
    limits.loggedIn(third);
    assertThat(operator.isInvalid()).as("beyond max-authenticated the oldest login goes").isTrue();
    assertThat(limits.authenticatedCount()).isEqualTo(2);
  }
}
