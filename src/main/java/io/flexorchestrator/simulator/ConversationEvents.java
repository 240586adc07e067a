package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Message;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.ServiceWebhooks;
import io.flexorchestrator.simulator.SimModel.ScopedWebhook;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Conversations webhooks with Twilio's parameter names. Post-events go to the conversation's
 * scoped webhooks (the auto-creation webhook of its address is one) and to the service's post-event
 * URL, each URL once. Called under the state lock: parameters are captured right away.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class ConversationEvents {

  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** A pre-event call, prepared under the lock and made outside it. */
  record PreCall(String url, Map<String, String> params) {}

  /** The app's verdict on a pre-event. */
  record PreResult(boolean rejected, String reason, Map<String, Object> modifications) {
    static PreResult accept() {
      return new PreResult(false, null, Map.of());
    }
  }

  /** Set while a REST call without {@code X-Twilio-Webhook-Enabled: true} runs: no post-events. */
  private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

  private final SimState state;
  private final WebhookSender sender;

  static <T> T muted(boolean mute, java.util.function.Supplier<T> action) {
    boolean before = MUTED.get();
    MUTED.set(mute);
    try {
      return action.get();
    } finally {
      MUTED.set(before);
    }
  }

  public ConversationEvents(SimState state, WebhookSender sender) {
    this.state = state;
    this.sender = sender;
  }

  void conversationAdded(Conversation c, Participant first) {
    Map<String, String> p = conversationParams(c, "onConversationAdded");
    if (first != null) {
      putBinding(p, first);
    }
    post(c, p);
  }

  void conversationUpdated(Conversation c) {
    post(c, conversationParams(c, "onConversationUpdated"));
  }

  void conversationRemoved(Conversation c) {
    post(c, conversationParams(c, "onConversationRemoved"));
  }

  void stateUpdated(Conversation c, String from, String to, String reason) {
    Map<String, String> p = conversationParams(c, "onConversationStateUpdated");
    p.put("StateFrom", from);
    p.put("StateTo", to);
    p.put("Reason", reason);
    p.put("DateUpdated", SimJson.iso(c.dateUpdated));
    post(c, p);
  }

  void participantAdded(Conversation c, Participant participant, String source) {
    post(c, participantParams(c, participant, "onParticipantAdded", source));
  }

  void participantRemoved(Conversation c, Participant participant, String source) {
    post(c, participantParams(c, participant, "onParticipantRemoved", source));
  }

  void messageAdded(Conversation c, Message m, String source, String clientIdentity) {
    Map<String, String> p = common(c, "onMessageAdded", source);
    if (clientIdentity != null) {
      p.put("ClientIdentity", clientIdentity);
    }
    p.put("MessageSid", m.sid);
    p.put("Index", Integer.toString(m.index));
    p.put("Author", m.author);
    putIfPresent(p, "Body", m.body);
    p.put("Attributes", m.attributes);
    p.put("DateCreated", SimJson.iso(m.dateCreated));
    putIfPresent(p, "ParticipantSid", m.participantSid);
    putIfPresent(p, "ContentSid", m.contentSid);
    if (m.media != null && !m.media.isEmpty()) {
      List<Map<String, Object>> media = new ArrayList<>();
      for (Map<String, Object> item : m.media) {
        Map<String, Object> hook = new LinkedHashMap<>();
        hook.put("Sid", item.get("sid"));
        hook.put("Filename", item.get("filename"));
        hook.put("ContentType", item.get("content_type"));
        hook.put("Size", item.get("size"));
        hook.put("Category", item.get("category"));
        media.add(hook);
      }
      p.put("Media", SimJson.write(media));
    }
    post(c, p);
  }

  /** The pre-event for a message about to be added, or null when no pre-event URL wants it. */
  PreCall preMessageAdd(Conversation c, String author, String body, String attributes,
      String source, Participant participant, List<Map<String, Object>> media) {
    ServiceWebhooks hooks = state.serviceWebhooks.get(c.chatServiceSid);
    if (hooks == null || hooks.preWebhookUrl == null || !hooks.filters.contains("onMessageAdd")) {
      return null;
    }
    Map<String, String> p = common(c, "onMessageAdd", source);
    p.put("WebhookSid", SimState.SERVICE_WEBHOOK_SID);
    p.put("Author", author);
    putIfPresent(p, "Body", body);
    p.put("Attributes", attributes == null ? "{}" : attributes);
    if (participant != null) {
      p.put("ParticipantSid", participant.sid);
    }
    if (media != null && !media.isEmpty()) {
      p.put("Media", SimJson.write(media));
    }
    return new PreCall(hooks.preWebhookUrl, p);
  }

  /** The pre-event for a conversation about to be auto-created, or null. */
  PreCall preConversationAdd(String chatServiceSid, String address, String proxyAddress,
      String bindingType, String source) {
    ServiceWebhooks hooks = state.serviceWebhooks.get(chatServiceSid);
    if (hooks == null || hooks.preWebhookUrl == null || !hooks.filters.contains("onConversationAdd")) {
      return null;
    }
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccountSid", SimState.ACCOUNT);
    p.put("ChatServiceSid", chatServiceSid);
    p.put("MessagingServiceSid", state.defaultMessagingServiceSid);
    p.put("EventType", "onConversationAdd");
    p.put("Source", source);
    p.put("RetryCount", "0");
    p.put("WebhookSid", SimState.SERVICE_WEBHOOK_SID);
    p.put("WebhookType", "webhook");
    putIfPresent(p, "MessagingBinding.Address", address);
    putIfPresent(p, "MessagingBinding.ProxyAddress", proxyAddress);
    putIfPresent(p, "MessagingBinding.Type", bindingType);
    return new PreCall(hooks.preWebhookUrl, p);
  }

  /** Makes a pre-event call (outside the lock) and reads the app's verdict like Twilio. */
  PreResult call(PreCall call) {
    if (call == null) {
      return PreResult.accept();
    }
    WebhookSender.Answer answer = sender.call(call.url(), Sids.next("").toLowerCase(), TIMEOUT,
        call.params());
    if (answer.status() == 404 || answer.status() < 0 || answer.status() >= 500) {
      // missing endpoint, timeout or error: Twilio goes on unchanged
      return PreResult.accept();
    }
    if (answer.status() >= 400) {
      return new PreResult(true, answer.body() == null || answer.body().isBlank()
          ? "rejected with status " + answer.status() : answer.body(), Map.of());
    }
    if (answer.body() == null || answer.body().isBlank()) {
      return PreResult.accept();
    }
    try {
      Map<String, Object> body = SimJson.object(answer.body(), "pre-event answer");
      return new PreResult(false, null, body);
    } catch (SimError e) {
      return PreResult.accept();
    }
  }

  private Map<String, String> conversationParams(Conversation c, String eventType) {
    Map<String, String> p = common(c, eventType, c.source);
    putIfPresent(p, "FriendlyName", c.friendlyName);
    putIfPresent(p, "UniqueName", c.uniqueName);
    p.put("Attributes", c.attributes);
    p.put("State", c.state);
    p.put("DateCreated", SimJson.iso(c.dateCreated));
    return p;
  }

  private Map<String, String> participantParams(Conversation c, Participant participant,
      String eventType, String source) {
    Map<String, String> p = common(c, eventType, source);
    p.put("ParticipantSid", participant.sid);
    putIfPresent(p, "Identity", participant.identity);
    putBinding(p, participant);
    putIfPresent(p, "RoleSid", participant.roleSid);
    p.put("Attributes", participant.attributes);
    p.put("DateCreated", SimJson.iso(participant.dateCreated));
    return p;
  }

  private static void putBinding(Map<String, String> p, Participant participant) {
    putIfPresent(p, "MessagingBinding.Address", participant.address);
    putIfPresent(p, "MessagingBinding.ProxyAddress", participant.proxyAddress);
    putIfPresent(p, "MessagingBinding.Type", participant.bindingType);
  }

  private Map<String, String> common(Conversation c, String eventType, String source) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccountSid", SimState.ACCOUNT);
    p.put("ChatServiceSid", c.chatServiceSid);
    p.put("ConversationSid", c.sid);
    putIfPresent(p, "MessagingServiceSid", c.messagingServiceSid);
    p.put("EventType", eventType);
    p.put("Source", source == null ? "API" : source);
    p.put("RetryCount", "0");
    p.put("WebhookType", "webhook");
    return p;
  }

  /** Queues the post-event to every URL that wants it, once per URL. */
  private void post(Conversation c, Map<String, String> params) {
    if (MUTED.get()) {
      return;
    }
    String eventType = params.get("EventType");
    Map<String, String> targets = new LinkedHashMap<>();
    for (ScopedWebhook hook : c.webhooks.values()) {
      if ("webhook".equals(hook.target) && hook.url != null
          && (hook.filters.isEmpty() || hook.filters.contains(eventType))) {
        targets.putIfAbsent(hook.url, hook.sid);
      }
    }
    ServiceWebhooks service = state.serviceWebhooks.get(c.chatServiceSid);
    if (service != null && service.postWebhookUrl != null && service.filters.contains(eventType)) {
      targets.putIfAbsent(service.postWebhookUrl, SimState.SERVICE_WEBHOOK_SID);
    }
    String token = "ev-" + Sids.next("").toLowerCase() + "-" + Instant.now().toEpochMilli();
    targets.forEach((url, webhookSid) -> {
      Map<String, String> base = new LinkedHashMap<>(params);
      base.put("WebhookSid", webhookSid);
      sender.send(url, token + "-" + Integer.toHexString(url.hashCode()), TIMEOUT, attempt -> {
        Map<String, String> withRetry = new LinkedHashMap<>(base);
        withRetry.put("RetryCount", Integer.toString(attempt));
        return withRetry;
      });
    });
  }

  private static void putIfPresent(Map<String, String> p, String name, String value) {
    if (value != null) {
      p.put(name, value);
    }
  }
}
