package io.flexorchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.webhook.InboxEvent.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Turns a TaskRouter event callback into an inbox event, or into nothing when the lifecycle has no
 * use for it (unknown event types, events of tasks that belong to no conversation). Malformed
 * required fields of a known event are a 400. Every stored event is identified by its signed
 * content (event SID, type, task, reservation and time) besides the delivery token, and an event
 * older than the inbox retention is refused ({@link EventAge}).
 */
@Component
public class TaskRouterEventParser {

  /** The events the lifecycle acts on; everything else is acknowledged and ignored. */
  public static final Set<String> HANDLED = Set.of(
      "reservation.accepted", "reservation.rejected", "reservation.timeout", "reservation.rescinded",
      "task.wrapup", "task.completed", "task.canceled", "task.deleted", "task.system-deleted",
      "workflow.timeout");

  private static final List<String> KEPT = List.of("EventType", "Sid", "Timestamp", "TaskSid",
      "ReservationSid", "WorkerSid", "TaskAssignmentStatus", "TaskCanceledReason",
      "TaskCompletedReason", "WorkflowSid", "TaskChannelUniqueName");

  private final ObjectMapper mapper;
  private final EventAge age;

  public TaskRouterEventParser(ObjectMapper mapper, EventAge age) {
    this.mapper = mapper;
    this.age = age;
  }

  public Optional<InboxEvent> parse(WebhookRequest request) {
    String type = request.param("EventType");
    if (type == null || type.isBlank()) {
      throw WebhookRejection.badRequest("missing required parameter EventType");
    }
    if (!HANDLED.contains(type)) {
      return Optional.empty();
    }
    String taskSid = Sids.require(request.param("TaskSid"), "WT", "TaskSid");
    String reservationSid = type.startsWith("reservation.")
        ? Sids.require(request.param("ReservationSid"), "WR", "ReservationSid") : null;
    Sids.optional(request.param("WorkerSid"), "WK", "WorkerSid");
    JsonNode attributes = taskAttributes(request.param("TaskAttributes"));
    String conversationSid = text(attributes, "conversationSid", "conversation_sid");
    if (conversationSid == null) {
      return Optional.empty(); // not a conversation task (voice, another integration): not ours
    }
    Sids.require(conversationSid, "CH", "TaskAttributes.conversationSid");
    age.check(EventAge.epoch(request.param("Timestamp"), request.param("TimestampMs")), type);

    Map<String, String> params = new LinkedHashMap<>();
    KEPT.forEach(name -> {
      String value = request.param(name);
      if (value != null) {
        params.put(name, value);
      }
    });
    String channelSid = text(attributes, "flexInteractionChannelSid");
    if (channelSid != null) {
      params.put("flexInteractionChannelSid", channelSid);
    }
    // agent operations: a transfer's or an unpark's invite task (see docs/design.md)
    for (String marker : List.of("orchestratorTransferId", "transferMode", "orchestratorParkId")) {
      String value = text(attributes, marker);
      if (value != null) {
        params.put(marker, value);
      }
    }
    String interactionSid = text(attributes, "flexInteractionSid");
    if (interactionSid != null) {
      params.put("flexInteractionSid", interactionSid);
    }
    return Optional.of(new InboxEvent(null, Source.TASKROUTER, type, conversationSid, taskSid,
        dedupeKeys(request, type, taskSid, reservationSid), params, 0));
  }

  /** A task.canceled whose reason is the workflow's timeout is the same fact as workflow.timeout. */
  public static boolean isWorkflowTimeout(String eventType, String canceledReason) {
    return "workflow.timeout".equals(eventType) || ("task.canceled".equals(eventType)
        && canceledReason != null
        && canceledReason.toLowerCase(Locale.ROOT).replace(" ", "").contains("workflowtimeout"));
  }

  private List<String> dedupeKeys(WebhookRequest request, String type, String taskSid,
      String reservationSid) {
    List<String> keys = new ArrayList<>();
    if (request.idempotencyToken() != null && !request.idempotencyToken().isBlank()) {
      keys.add("token:" + request.idempotencyToken());
    }
    if (Sids.is(request.param("Sid"), "EV")) {
      keys.add("taskrouter:" + request.param("Sid"));
    }
    keys.add("taskrouter:" + type + ":" + taskSid + ":" + (reservationSid == null ? "" : reservationSid)
        + ":" + (request.param("Timestamp") == null ? "" : request.param("Timestamp")));
    if (isWorkflowTimeout(type, request.param("TaskCanceledReason"))) {
      keys.add("effect:workflow-timeout:" + taskSid);
    } else if (type.startsWith("task.")) {
      // a task ends once: a terminal event repeated with another timestamp is still a repeat
      keys.add("effect:" + type + ":" + taskSid);
    }
    return keys;
  }

  private JsonNode taskAttributes(String json) {
    if (json == null || json.isBlank()) {
      throw WebhookRejection.badRequest("missing required parameter TaskAttributes");
    }
    try {
      JsonNode node = mapper.readTree(json);
      if (node == null || !node.isObject()) {
        throw WebhookRejection.badRequest("TaskAttributes must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw WebhookRejection.badRequest("TaskAttributes is not valid JSON");
    }
  }

  private static String text(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && value.isTextual() && !value.asText().isBlank()) {
        return value.asText();
      }
    }
    return null;
  }
}
