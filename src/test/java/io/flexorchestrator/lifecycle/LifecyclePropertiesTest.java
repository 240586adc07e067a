package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LifecyclePropertiesTest {

  @Test
  void unsetValuesFallBackToTheDocumentedDefaults() {
    LifecycleProperties defaults = new LifecycleProperties(null, null, null, 0);

    assertThat(defaults.retryCycle()).isEqualTo("PT5S,PT15S,PT30S,PT1M,PT2M");
    assertThat(defaults.pendingTimeLimit()).isEqualTo(Duration.ofMinutes(10));
    assertThat(defaults.inboxRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(defaults.applyThreads()).isEqualTo(LifecycleProperties.autoApplyThreads());
  }

  @Test
  void applyThreadsFollowTheCoresWithinTwoToFour() {
    int cores = Runtime.getRuntime().availableProcessors();

    assertThat(LifecycleProperties.autoApplyThreads()).isBetween(2, 4)
        .isEqualTo(cores >= 8 ? 4 : cores >= 6 ? 3 : 2);
  }

  @Test
  void anExplicitThreadCountIsKept() {
    assertThat(new LifecycleProperties(null, null, null, 6).applyThreads()).isEqualTo(6);
  }
}
