package io.flexorchestrator.lifecycle;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Engine-side settings: the retry cycle of every Twilio task, how long an event may wait for its
 * instance before it is dead-lettered, how long settled inbox rows are kept for dedupe, and how
 * many threads apply webhook events (0 = {@link #autoApplyThreads()}).
 */
@ConfigurationProperties("orchestrator.lifecycle")
public record LifecycleProperties(
    String retryCycle, Duration pendingTimeLimit, Duration inboxRetention, int applyThreads) {

  /** Growing intervals, one retry each: backs off from a throttling (429) or failing Twilio. */
  public static final String DEFAULT_RETRY_CYCLE = "PT5S,PT15S,PT30S,PT1M,PT2M";

  public LifecycleProperties {
    retryCycle = retryCycle == null || retryCycle.isBlank() ? DEFAULT_RETRY_CYCLE : retryCycle;
    pendingTimeLimit = pendingTimeLimit == null ? Duration.ofMinutes(10) : pendingTimeLimit;
    inboxRetention = inboxRetention == null ? Duration.ofDays(7) : inboxRetention;
    applyThreads = applyThreads <= 0 ? autoApplyThreads() : applyThreads;
  }

  /**
   * Half the cores, at least two, at most four. Applying competes with acknowledging for the CPU
   * (and, on PostgreSQL, for the database's backends): on 2 cores, 4 apply threads put the webhook
   * acknowledgement's p99 at 1000/s to 160 ms, 2 threads kept it at 34 ms, 1 at 41 ms with slower
   * lifecycle starts (docs/benchmarks.md). Events of one conversation are applied one at a time
   * anyway.
   */
  static int autoApplyThreads() {
    return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
  }
}
