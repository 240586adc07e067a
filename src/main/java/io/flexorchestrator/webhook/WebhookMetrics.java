package io.flexorchestrator.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Webhook counts and acknowledgement latency by endpoint, event type and outcome. The event tag is
 * one of Twilio's documented event types or {@code other}: a signed but made-up {@code EventType}
 * never becomes a label value of its own (one time series per value).
 */
@Component
public class WebhookMetrics {

  static final String OTHER = "other";

  /** Conversations post-events and TaskRouter workspace events as Twilio documents them. */
  static final Set<String> KNOWN_EVENTS = Set.of(
      "onMessageAdded", "onMessageUpdated", "onMessageRemoved", "onConversationAdded",
      "onConversationUpdated", "onConversationRemoved", "onConversationStateUpdated",
      "onParticipantAdded", "onParticipantUpdated", "onParticipantRemoved", "onDeliveryUpdated",
      "onUserAdded", "onUserUpdated",
      "task.created", "task.updated", "task.canceled", "task.completed", "task.deleted",
      "task.system-deleted", "task.wrapup", "task.transfer-initiated",
      "task.transfer-attempt-failed", "task.transfer-completed", "task.transfer-canceled",
      "task.transfer-failed", "task-queue.created", "task-queue.deleted", "task-queue.entered",
      "task-queue.timeout", "task-queue.moved", "task-queue.expression.updated",
      "reservation.created", "reservation.accepted", "reservation.rejected", "reservation.timeout",
      "reservation.canceled", "reservation.rescinded", "reservation.completed",
      "reservation.failed", "reservation.wrapup", "workflow.created", "workflow.updated",
      "workflow.deleted", "workflow.target-matched", "workflow.entered", "workflow.timeout",
      "workflow.skipped", "worker.created", "worker.deleted", "worker.activity.update",
      "worker.attributes.update", "worker.capacity.update", "worker.channel.availability.update",
      "activity.created", "activity.updated", "activity.deleted", "task-channel.created",
      "task-channel.updated", "task-channel.deleted");

  private final MeterRegistry registry;

  public WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void received(String endpoint, String eventType, String outcome, long nanos) {
    Timer.builder("orchestrator.webhooks")
        .description("Webhooks received, by outcome (accepted, duplicate, ignored)")
        .tag("endpoint", endpoint)
        .tag("event", eventLabel(eventType))
        .tag("outcome", outcome)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  static String eventLabel(String eventType) {
    return eventType != null && KNOWN_EVENTS.contains(eventType) ? eventType : OTHER;
  }

  void rejected(String endpoint, int status) {
    registry.counter("orchestrator.webhooks.rejected", "endpoint", endpoint, "status",
        String.valueOf(status)).increment();
  }
}
