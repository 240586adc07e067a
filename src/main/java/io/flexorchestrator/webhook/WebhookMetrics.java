package io.flexorchestrator.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Webhook counts and acknowledgement latency by endpoint, event type and outcome. */
@Component
public class WebhookMetrics {

  private final MeterRegistry registry;

  public WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void received(String endpoint, String eventType, String outcome, long nanos) {
    Timer.builder("orchestrator.webhooks")
        .description("Webhooks received, by outcome (accepted, duplicate, ignored)")
        .tag("endpoint", endpoint)
        .tag("event", eventType == null || eventType.length() > 40 ? "other" : eventType)
        .tag("outcome", outcome)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void rejected(String endpoint, int status) {
    registry.counter("orchestrator.webhooks.rejected", "endpoint", endpoint, "status",
        String.valueOf(status)).increment();
  }
}
