package io.flexorchestrator.webhook;

import io.flexorchestrator.webhook.InboxEvent.Source;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Turns a Conversations post-event webhook into an inbox event, or into nothing when the
 * lifecycle has no use for it. The message body is never kept. Every stored event is identified by
 * its signed content (message SID; conversation, state change and its time; final closing and
 * removal once per conversation), not only by the unsigned delivery token, and an event older than
 * the inbox retention is refused ({@link EventAge}).
 */
@Component
public class ConversationEventParser {

  public static final String MESSAGE_ADDED = "onMessageAdded";
  public static final String STATE_UPDATED = "onConversationStateUpdated";
  public static final String REMOVED = "onConversationRemoved";

  private static final Set<String> STATES = Set.of("active", "inactive", "closed");
  private static final List<String> KEPT = List.of("EventType", "ConversationSid", "ChatServiceSid",
      "MessageSid", "Source", "Index", "ParticipantSid", "StateFrom", "StateTo", "Reason",
      "DateCreated");

  private final EventAge age;

  public ConversationEventParser(EventAge age) {
    this.age = age;
  }

  public Optional<InboxEvent> parse(WebhookRequest request) {
    String type = request.param("EventType");
    if (type == null || type.isBlank()) {
      throw WebhookRejection.badRequest("missing required parameter EventType");
    }
    String conversationSid;
    List<String> keys = new ArrayList<>();
    switch (type) {
      case MESSAGE_ADDED -> {
        conversationSid = Sids.require(request.param("ConversationSid"), "CH", "ConversationSid");
        String messageSid = Sids.require(request.param("MessageSid"), "IM", "MessageSid");
        Sids.optional(request.param("ChatServiceSid"), "IS", "ChatServiceSid");
        keys.add("conversations:" + type + ":" + messageSid);
        age.check(EventAge.date(request.param("DateCreated")), type);
      }
      case STATE_UPDATED -> {
        conversationSid = Sids.require(request.param("ConversationSid"), "CH", "ConversationSid");
        String to = request.param("StateTo");
        if (to == null || !STATES.contains(to)) {
          throw WebhookRejection.badRequest("StateTo must be one of active, inactive, closed");
        }
        if ("closed".equals(to)) {
          keys.add("conversations:closed:" + conversationSid); // closed is final: once
        }
        // Twilio's post-event names the change's time DateUpdated (Event Streams: StateUpdated)
        String changedAt = firstOf(request.param("DateUpdated"), request.param("StateUpdated"));
        if (changedAt != null) {
          keys.add("conversations:" + type + ":" + conversationSid + ":" + request.param("StateFrom")
              + ">" + to + ":" + changedAt);
        }
        age.check(EventAge.date(changedAt), type);
      }
      case REMOVED -> {
        conversationSid = Sids.require(request.param("ConversationSid"), "CH", "ConversationSid");
        keys.add("conversations:removed:" + conversationSid); // once
        age.check(EventAge.date(request.param("DateUpdated")), type);
      }
      default -> {
        return Optional.empty();
      }
    }
    if (request.idempotencyToken() != null && !request.idempotencyToken().isBlank()) {
      keys.add("token:" + request.idempotencyToken());
    }
    if (keys.isEmpty()) {
      // a state change with neither its time nor a delivery token: its content is all there is
      keys.add("conversations:" + type + ":" + conversationSid + ":" + request.param("StateFrom")
          + ">" + request.param("StateTo"));
    }
    Map<String, String> params = new LinkedHashMap<>();
    KEPT.forEach(name -> {
      String value = request.param(name);
      if (value != null) {
        params.put(name, value);
      }
    });
    return Optional.of(new InboxEvent(null, Source.CONVERSATIONS, type, conversationSid, null, keys,
        params, 0));
  }

  private static String firstOf(String... values) {
    for (String value : values) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
