package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Address;
import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Message;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.ScopedWebhook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * A customer writes to a Conversations address (sms, whatsapp or chat): the message joins the
 * binding's non-closed conversation or, without one, the address auto-creates a conversation
 * (an address is configured on the fly, with its auto-creation webhook pointing at the app). The
 * pre-event webhooks are called (outside the state lock) before anything is added.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class InboundMessages {

  static final List<String> DEFAULT_AUTO_CREATION_FILTERS = List.of("onMessageAdded",
      "onParticipantAdded", "onParticipantRemoved", "onConversationStateUpdated",
      "onConversationUpdated", "onConversationRemoved");

  private static final Logger log = LoggerFactory.getLogger(InboundMessages.class);

  /**
   * The customer's message as the control endpoint takes it; {@code attributes} (optional) are the
   * conversation's attributes if this message creates it, as a web chat client or a pre-event
   * webhook would set them.
   */
  record Inbound(String from, String to, String body, String channel, List<Map<String, Object>> media,
      Map<String, Object> attributes) {}

  private final SimState state;
  private final ConversationsEngine engine;
  private final ConversationEvents events;

  public InboundMessages(SimState state, ConversationsEngine engine, ConversationEvents events) {
    this.state = state;
    this.engine = engine;
    this.events = events;
  }

  Map<String, Object> receive(Inbound in) {
    String channel = in.channel() == null ? "sms" : in.channel();
    if (!List.of("sms", "whatsapp", "chat").contains(channel)) {
      throw new IllegalArgumentException("channel must be sms, whatsapp or chat");
    }
    if (in.from() == null || in.from().isBlank()) {
      throw new IllegalArgumentException("from is required");
    }
    if (!"chat".equals(channel) && (in.to() == null || in.to().isBlank())) {
      throw new IllegalArgumentException("to is required for " + channel);
    }
    List<Map<String, Object>> media = media(in.media());
    if ((in.body() == null || in.body().isEmpty()) && media == null) {
      throw new IllegalArgumentException("body or media is required");
    }
    boolean chat = "chat".equals(channel);
    String address = chat ? null : prefixed(channel, in.from());
    String proxy = chat ? null : prefixed(channel, in.to());
    String identity = chat ? in.from() : null;
    String author = chat ? identity : address;
    String source = switch (channel) {
      case "whatsapp" -> "WHATSAPP";
      case "chat" -> "SDK";
      default -> "SMS";
    };
    String addressValue = chat ? (in.to() == null || in.to().isBlank() ? "flex-webchat" : in.to())
        : proxy;
    String addressType = channel;

    // 1. the binding's open conversation, or what auto-creation needs
    Object[] found = state.locked(() -> {
      Conversation existing = chat ? openChatConversation(identity)
          : engine.openConversationOfBinding(address, proxy);
      if (existing != null) {
        return new Object[] {existing.sid, null, null};
      }
      Address a = addressFor(addressType, addressValue);
      if (!a.autoCreationEnabled) {
        return new Object[] {null, a.sid, null};
      }
      String service = a.conversationServiceSid != null ? a.conversationServiceSid
          : state.defaultChatServiceSid;
      return new Object[] {null, a.sid, events.preConversationAdd(service, address, proxy,
          chat ? null : channel, source)};
    });
    String conversationSid = (String) found[0];
    boolean created = false;
    if (conversationSid == null) {
      String addressSid = (String) found[1];
      if (found[2] == null && !state.locked(() -> state.addresses.get(addressSid).autoCreationEnabled)) {
        return rejected(null, false, "the address " + addressValue + " has auto-creation disabled");
      }
      ConversationEvents.PreResult pre = events.call((ConversationEvents.PreCall) found[2]);
      if (pre.rejected()) {
        log.info("sim inbound from {}: conversation creation rejected by the pre-event webhook",
            SimJson.mask(author));
        return rejected(null, false, pre.reason());
      }
      // 2. auto-creation
      Object[] made = state.locked(() -> {
        Conversation again = chat ? openChatConversation(identity)
            : engine.openConversationOfBinding(address, proxy);
        if (again != null) {
          return new Object[] {again.sid, false};
        }
        return new Object[] {autoCreate(state.addresses.get(addressSid), address, proxy, identity,
            source, in.attributes() == null ? "{}" : SimJson.write(in.attributes())).sid, true};
      });
      conversationSid = (String) made[0];
      created = (Boolean) made[1];
    }
    // 3. the message's pre-event
    String sid = conversationSid;
    List<Map<String, Object>> hookMedia = webhookMedia(media);
    ConversationEvents.PreCall preMessage = state.locked(() -> {
      Conversation c = state.conversations.get(sid);
      Participant p = participantOf(c, author);
      return events.preMessageAdd(c, author, in.body(), "{}", source, p, hookMedia);
    });
    ConversationEvents.PreResult pre = events.call(preMessage);
    if (pre.rejected()) {
      log.info("sim inbound to {}: message rejected by the pre-event webhook", sid);
      return rejected(sid, created, pre.reason());
    }
    String body = pre.modifications().containsKey("body")
        ? SimJson.str(pre.modifications().get("body")) : in.body();
    String finalAuthor = pre.modifications().containsKey("author")
        ? SimJson.str(pre.modifications().get("author")) : author;
    Object attrs = pre.modifications().get("attributes");
    String attributes = attrs == null ? "{}" : attrs instanceof String s ? s : SimJson.write(attrs);
    // 4. the message
    boolean createdConversation = created;
    return state.locked(() -> {
      Conversation c = state.conversations.get(sid);
      if (c == null) {
        throw SimError.notFound("/Conversations/" + sid);
      }
      Message m = engine.addMessage(c, finalAuthor, body, attributes, null, media, source,
          chat ? identity : null);
      log.info("sim inbound {} from {} -> conversation {} message {}{}", channel,
          SimJson.mask(author), c.sid, m.sid, createdConversation ? " (new conversation)" : "");
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("conversationSid", c.sid);
      answer.put("messageSid", m.sid);
      answer.put("createdConversation", createdConversation);
      answer.put("rejected", false);
      return answer;
    });
  }

  private Conversation autoCreate(Address a, String address, String proxy, String identity,
      String source, String attributes) {
    String service = a.conversationServiceSid != null ? a.conversationServiceSid
        : state.defaultChatServiceSid;
    Conversation c = engine.create(service, null, null, attributes, null, source);
    c.createdByAddressSid = a.sid;
    if ("webhook".equals(a.autoCreationType) && a.webhookUrl != null) {
      ScopedWebhook w = new ScopedWebhook();
      w.sid = Sids.next("WH");
      w.conversationSid = c.sid;
      w.target = "webhook";
      w.url = a.webhookUrl;
      w.method = a.webhookMethod;
      w.filters = a.webhookFilters.isEmpty() ? new ArrayList<>(DEFAULT_AUTO_CREATION_FILTERS)
          : new ArrayList<>(a.webhookFilters);
      c.webhooks.put(w.sid, w);
    }
    Participant binding = new Participant();
    binding.address = address;
    binding.proxyAddress = proxy;
    binding.bindingType = address == null ? null : ConversationsEngine.bindingType(address);
    events.conversationAdded(c, binding);
    engine.addParticipant(c, identity, address, proxy, "{}", null, source);
    return c;
  }

  /** The configured address, or one configured now with auto-creation to the app. */
  private Address addressFor(String type, String value) {
    for (Address a : state.addresses.values()) {
      if (a.type.equals(type) && a.address.equals(value)) {
        return a;
      }
    }
    Address a = new Address();
    a.sid = Sids.next("IG");
    a.type = type;
    a.address = value;
    a.friendlyName = "sandbox " + type + " address";
    a.autoCreationEnabled = true;
    a.autoCreationType = "webhook";
    a.conversationServiceSid = state.defaultChatServiceSid;
    a.webhookUrl = state.publicBase() + "/webhooks/conversations";
    a.webhookFilters = new ArrayList<>(DEFAULT_AUTO_CREATION_FILTERS);
    state.addresses.put(a.sid, a);
    log.info("sim: configured {} address {} with auto-creation to the app", type,
        SimJson.mask(value));
    return a;
  }

  private Conversation openChatConversation(String identity) {
    for (Conversation c : state.conversations.values()) {
      if (c.open() && c.participants.values().stream().anyMatch(p -> identity.equals(p.identity)
          && !ConversationsEngine.ROLE_AGENT.equals(p.roleSid))) {
        return c;
      }
    }
    return null;
  }

  private static Participant participantOf(Conversation c, String author) {
    return c.participants.values().stream()
        .filter(p -> author.equals(p.identity) || author.equals(p.address)).findFirst().orElse(null);
  }

  private static String prefixed(String channel, String address) {
    if ("whatsapp".equals(channel) && !address.startsWith("whatsapp:")) {
      return "whatsapp:" + address;
    }
    return address;
  }

  private static List<Map<String, Object>> media(List<Map<String, Object>> in) {
    if (in == null || in.isEmpty()) {
      return null;
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> item : in) {
      Object size = item.get("size");
      out.add(ConversationsApi.mediaItem(Sids.next("ME"),
          SimJson.str(item.getOrDefault("filename", "file")),
          SimJson.str(item.getOrDefault("contentType", "application/octet-stream")),
          size instanceof Number n ? n.longValue() : 0L));
    }
    return out;
  }

  private static List<Map<String, Object>> webhookMedia(List<Map<String, Object>> media) {
    if (media == null) {
      return null;
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> item : media) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Sid", item.get("sid"));
      m.put("Filename", item.get("filename"));
      m.put("ContentType", item.get("content_type"));
      m.put("Size", item.get("size"));
      m.put("Category", item.get("category"));
      out.add(m);
    }
    return out;
  }

  private static Map<String, Object> rejected(String conversationSid, boolean created, String reason) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("conversationSid", conversationSid);
    answer.put("messageSid", null);
    answer.put("createdConversation", created);
    answer.put("rejected", true);
    answer.put("reason", reason);
    return answer;
  }
}
