package io.flexorchestrator.policy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code orchestrator.policy.decisions{rule,decision,channel}}: every rule decision (accept,
 * modify, reject, error-open, error-closed); {@code orchestrator.policy.evaluations{event,outcome}}:
 * the time of each whole pre-event answer.
 */
@Component
public class PolicyMetrics {

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public PolicyMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void decision(String rule, String decision, String channel) {
    counters.computeIfAbsent(rule + '|' + decision + '|' + channel, k ->
        Counter.builder("orchestrator.policy.decisions")
            .description("Pre-event policy decisions by rule")
            .tag("rule", rule).tag("decision", decision).tag("channel", channel)
            .register(registry)).increment();
  }

  public void evaluated(String event, String outcome, long nanos) {
    timers.computeIfAbsent(event + '|' + outcome, k ->
        Timer.builder("orchestrator.policy.evaluations")
            .description("Pre-event answers by outcome (accepted, modified, rejected, refused)")
            .tag("event", event).tag("outcome", outcome)
            .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
  }
}
