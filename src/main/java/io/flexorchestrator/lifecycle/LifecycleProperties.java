package io.flexorchestrator.lifecycle;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Engine-side settings: the retry cycle of every Twilio task, how long an event may wait for its
 * instance before it is dead-lettered, and how long settled inbox rows are kept for dedupe.
 */
@ConfigurationProperties("orchestrator.lifecycle")
public record LifecycleProperties(
    String retryCycle, Duration pendingTimeLimit, Duration inboxRetention, int applyThreads) {

  public LifecycleProperties {
    retryCycle = retryCycle == null || retryCycle.isBlank() ? "R5/PT10S" : retryCycle;
    pendingTimeLimit = pendingTimeLimit == null ? Duration.ofMinutes(10) : pendingTimeLimit;
    inboxRetention = inboxRetention == null ? Duration.ofDays(7) : inboxRetention;
    applyThreads = applyThreads <= 0 ? 4 : applyThreads;
  }
}
