package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Address;
import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Message;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.ScopedWebhook;
import io.flexorchestrator.simulator.SimModel.ServiceWebhooks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Twilio Conversations v1: conversations, participants, messages, webhooks, configuration. */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class ConversationsApi implements SimApi {

  static final String BASE = "https://conversations.twilio.com/v1";

  private final SimState state;
  private final ConversationsEngine engine;
  private final ConversationEvents events;

  public ConversationsApi(SimState state, ConversationsEngine engine, ConversationEvents events) {
    this.state = state;
    this.engine = engine;
    this.events = events;
  }

  @Override
  public String product() {
    return "conversations";
  }

  @Override
  public SimResponse handle(SimRequest r) {
    List<String> s = r.segments();
    if (s.isEmpty()) {
      throw SimError.notFound(r.path());
    }
    // service-scoped forms: /v1/Services/{IS}/Conversations/... behave like /v1/Conversations/...
    if (s.get(0).equals("Services") && s.size() >= 3
        && (s.get(2).equals("Conversations") || s.get(2).equals("ParticipantConversations"))) {
      if (!s.get(1).equals(state.defaultChatServiceSid) && !state.serviceWebhooks.containsKey(s.get(1))) {
        throw SimError.notFound(r.path());
      }
      SimRequest inner = new SimRequest(r.method(), r.product(), r.path(), s.subList(2, s.size()),
          r.params(), r.json(), r.webhookEnabled());
      return handle(inner);
    }
    return switch (s.get(0)) {
      case "Conversations" -> conversations(r);
      case "ParticipantConversations" -> participantConversations(r);
      case "Configuration" -> configuration(r);
      case "Services" -> services(r);
      default -> throw SimError.notFound(r.path());
    };
  }

  private SimResponse conversations(SimRequest r) {
    if (r.is("GET", 1)) {
      String stateFilter = r.param("State");
      List<Map<String, Object>> items = state.conversations.values().stream()
          .filter(c -> stateFilter == null || stateFilter.equals(c.state))
          .map(this::conversation).toList();
      return SimResponse.ok(Paging.page(r, "conversations", BASE + "/Conversations", items));
    }
    if (r.is("POST", 1)) {
      Conversation c = engine.create(null, r.param("FriendlyName"), r.param("UniqueName"),
          attributes(r), r.param("MessagingServiceSid"), "API");
      if (r.has("State") && !"active".equals(r.param("State"))) {
        c.state = r.param("State");
      }
      if (r.has("Timers.Inactive") || r.has("Timers.Closed")) {
        engine.setTimers(c, r.param("Timers.Inactive"), r.param("Timers.Closed"));
      }
      events.conversationAdded(c, null);
      return SimResponse.created(conversation(c));
    }
    Conversation c = engine.require(r.seg(1));
    if (r.size() == 2) {
      switch (r.method()) {
        case "GET":
          return SimResponse.ok(conversation(c));
        case "POST":
          return SimResponse.ok(conversation(update(c, r)));
        case "DELETE":
          engine.delete(c);
          return SimResponse.noContent();
        default:
          throw SimError.notFound(r.path());
      }
    }
    return switch (r.seg(2)) {
      case "Participants" -> participants(r, c);
      case "Messages" -> messages(r, c);
      case "Webhooks" -> webhooks(r, c);
      default -> throw SimError.notFound(r.path());
    };
  }

  private Conversation update(Conversation c, SimRequest r) {
    boolean changed = false;
    if (r.has("FriendlyName")) {
      c.friendlyName = r.param("FriendlyName");
      changed = true;
    }
    if (r.has("UniqueName")) {
      c.uniqueName = r.param("UniqueName");
      changed = true;
    }
    if (r.has("Attributes")) {
      c.attributes = attributes(r);
      changed = true;
    }
    if (r.has("MessagingServiceSid")) {
      c.messagingServiceSid = r.param("MessagingServiceSid");
      changed = true;
    }
    if (r.has("Timers.Inactive") || r.has("Timers.Closed")) {
      engine.setTimers(c, r.param("Timers.Inactive"), r.param("Timers.Closed"));
      changed = true;
    }
    if (changed) {
      c.dateUpdated = Instant.now();
      events.conversationUpdated(c);
    }
    if (r.has("State") && !r.param("State").equals(c.state)) {
      String to = r.param("State");
      if ("initializing".equals(to)) {
        throw SimError.invalid("Invalid State: a conversation cannot go back to initializing");
      }
      engine.changeState(c, to, "API");
    }
    return c;
  }

  private SimResponse participants(SimRequest r, Conversation c) {
    if (r.is("GET", 3)) {
      List<Map<String, Object>> items = c.participants.values().stream()
          .map(p -> participant(c, p)).toList();
      return SimResponse.ok(Paging.page(r, "participants",
          BASE + "/Conversations/" + c.sid + "/Participants", items));
    }
    if (r.is("POST", 3)) {
      Participant p = engine.addParticipant(c, r.param("Identity"),
          r.param("MessagingBinding.Address"), r.param("MessagingBinding.ProxyAddress"),
          attributes(r), r.param("RoleSid"), "API");
      return SimResponse.created(participant(c, p));
    }
    if (r.size() != 4) {
      throw SimError.notFound(r.path());
    }
    Participant p = c.participants.get(r.seg(3));
    if (p == null) {
      p = c.participants.values().stream().filter(x -> r.seg(3).equals(x.identity)).findFirst()
          .orElseThrow(() -> SimError.notFound(r.path()));
    }
    switch (r.method()) {
      case "GET":
        return SimResponse.ok(participant(c, p));
      case "POST":
        if (r.has("Attributes")) {
          p.attributes = attributes(r);
        }
        if (r.has("RoleSid")) {
          p.roleSid = r.param("RoleSid");
        }
        if (r.has("Identity")) {
          p.identity = r.param("Identity");
        }
        if (r.has("MessagingBinding.ProxyAddress")) {
          p.proxyAddress = r.param("MessagingBinding.ProxyAddress");
        }
        p.dateUpdated = Instant.now();
        return SimResponse.ok(participant(c, p));
      case "DELETE":
        engine.removeParticipant(c, p, "API");
        return SimResponse.noContent();
      default:
        throw SimError.notFound(r.path());
    }
  }

  private SimResponse messages(SimRequest r, Conversation c) {
    if (r.is("GET", 3)) {
      List<Message> list = new ArrayList<>(c.messages);
      if ("desc".equals(r.param("Order"))) {
        Collections.reverse(list);
      }
      List<Map<String, Object>> items = list.stream().map(m -> message(c, m)).toList();
      return SimResponse.ok(Paging.page(r, "messages",
          BASE + "/Conversations/" + c.sid + "/Messages", items));
    }
    if (r.is("POST", 3)) {
      if (r.param("Author") == null && r.param("Body") == null) {
        // Twilio accepts a missing author ("system"), never a message without content
      }
      List<Map<String, Object>> media = null;
      if (r.has("MediaSid")) {
        media = new ArrayList<>();
        for (String sid : r.all("MediaSid")) {
          media.add(mediaItem(sid, "file", "application/octet-stream", 0L));
        }
      }
      Message m = engine.addMessage(c, r.param("Author"), r.param("Body"), attributes(r),
          r.param("ContentSid"), media, "API", null);
      return SimResponse.created(message(c, m));
    }
    if (r.size() != 4) {
      throw SimError.notFound(r.path());
    }
    Message m = c.messages.stream().filter(x -> x.sid.equals(r.seg(3))).findFirst()
        .orElseThrow(() -> SimError.notFound(r.path()));
    switch (r.method()) {
      case "GET":
        return SimResponse.ok(message(c, m));
      case "POST":
        if (r.has("Body")) {
          m.body = r.param("Body");
        }
        if (r.has("Attributes")) {
          m.attributes = attributes(r);
        }
        if (r.has("Author")) {
          m.author = r.param("Author");
        }
        m.dateUpdated = Instant.now();
        return SimResponse.ok(message(c, m));
      case "DELETE":
        c.messages.remove(m);
        return SimResponse.noContent();
      default:
        throw SimError.notFound(r.path());
    }
  }

  private SimResponse webhooks(SimRequest r, Conversation c) {
    if (r.is("GET", 3)) {
      List<Map<String, Object>> items = c.webhooks.values().stream().map(this::webhook).toList();
      return SimResponse.ok(Paging.page(r, "webhooks",
          BASE + "/Conversations/" + c.sid + "/Webhooks", items));
    }
    if (r.is("POST", 3)) {
      ScopedWebhook w = new ScopedWebhook();
      w.sid = Sids.next("WH");
      w.conversationSid = c.sid;
      w.target = r.param("Target");
      if ("webhook".equals(w.target) && r.param("Configuration.Url") == null) {
        throw SimError.invalid("Configuration.Url is required for a webhook target");
      }
      applyWebhook(w, r);
      c.webhooks.put(w.sid, w);
      return SimResponse.created(webhook(w));
    }
    if (r.size() != 4) {
      throw SimError.notFound(r.path());
    }
    ScopedWebhook w = c.webhooks.get(r.seg(3));
    if (w == null) {
      throw SimError.notFound(r.path());
    }
    switch (r.method()) {
      case "GET":
        return SimResponse.ok(webhook(w));
      case "POST":
        applyWebhook(w, r);
        w.dateUpdated = Instant.now();
        return SimResponse.ok(webhook(w));
      case "DELETE":
        c.webhooks.remove(w.sid);
        return SimResponse.noContent();
      default:
        throw SimError.notFound(r.path());
    }
  }

  private static void applyWebhook(ScopedWebhook w, SimRequest r) {
    if (r.has("Configuration.Url")) {
      w.url = r.param("Configuration.Url");
    }
    if (r.has("Configuration.Method")) {
      w.method = r.param("Configuration.Method").toUpperCase();
    }
    if (r.has("Configuration.Filters")) {
      w.filters = new ArrayList<>(r.all("Configuration.Filters"));
    }
    if (r.has("Configuration.Triggers")) {
      w.triggers = new ArrayList<>(r.all("Configuration.Triggers"));
    }
    if (r.has("Configuration.FlowSid")) {
      w.flowSid = r.param("Configuration.FlowSid");
    }
  }

  private SimResponse participantConversations(SimRequest r) {
    if (!r.is("GET", 1)) {
      throw SimError.notFound(r.path());
    }
    String address = r.param("Address");
    String identity = r.param("Identity");
    if (address == null && identity == null) {
      throw SimError.invalid("Either Identity or Address is required");
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (Conversation c : state.conversations.values()) {
      for (Participant p : c.participants.values()) {
        if (address != null && state.lookupHiddenAddresses.contains(address)) {
          continue;
        }
        if ((address != null && address.equals(p.address))
            || (identity != null && identity.equals(p.identity))) {
          items.add(participantConversation(c, p));
        }
      }
    }
    return SimResponse.ok(Paging.page(r, "conversations", BASE + "/ParticipantConversations", items));
  }

  private SimResponse configuration(SimRequest r) {
    if (r.size() == 1) {
      if (r.method().equals("POST")) {
        if (r.has("DefaultChatServiceSid")) {
          state.defaultChatServiceSid = r.param("DefaultChatServiceSid");
        }
        if (r.has("DefaultMessagingServiceSid")) {
          state.defaultMessagingServiceSid = r.param("DefaultMessagingServiceSid");
        }
        if (r.has("DefaultInactiveTimer")) {
          state.defaultInactiveTimer = timerOrNull(r.param("DefaultInactiveTimer"),
              "DefaultInactiveTimer", ConversationsEngine.MIN_INACTIVE);
        }
        if (r.has("DefaultClosedTimer")) {
          state.defaultClosedTimer = timerOrNull(r.param("DefaultClosedTimer"),
              "DefaultClosedTimer", ConversationsEngine.MIN_CLOSED);
        }
      } else if (!r.method().equals("GET")) {
        throw SimError.notFound(r.path());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("account_sid", SimState.ACCOUNT);
      m.put("default_chat_service_sid", state.defaultChatServiceSid);
      m.put("default_messaging_service_sid", state.defaultMessagingServiceSid);
      m.put("default_inactive_timer", state.defaultInactiveTimer);
      m.put("default_closed_timer", state.defaultClosedTimer);
      m.put("url", BASE + "/Configuration");
      m.put("links", Map.of("addresses", BASE + "/Configuration/Addresses",
          "webhooks", BASE + "/Configuration/Webhooks"));
      return SimResponse.ok(m);
    }
    if (!"Addresses".equals(r.seg(1))) {
      throw SimError.notFound(r.path());
    }
    if (r.is("GET", 2)) {
      String type = r.param("Type");
      List<Map<String, Object>> items = state.addresses.values().stream()
          .filter(a -> type == null || type.equals(a.type)).map(this::address).toList();
      return SimResponse.ok(Paging.page(r, "address_configurations",
          BASE + "/Configuration/Addresses", items));
    }
    if (r.is("POST", 2)) {
      String type = r.param("Type");
      String addr = r.param("Address");
      boolean exists = state.addresses.values().stream()
          .anyMatch(a -> a.address.equals(addr) && a.type.equals(type));
      if (exists) {
        throw new SimError(409, 50353, "Address configuration for " + addr + " already exists");
      }
      Address a = new Address();
      a.sid = Sids.next("IG");
      a.type = type;
      a.address = addr;
      a.autoCreationEnabled = false;
      a.autoCreationType = null;
      applyAddress(a, r);
      state.addresses.put(a.sid, a);
      return SimResponse.created(address(a));
    }
    Address a = state.addresses.get(r.seg(2));
    if (a == null || r.size() != 3) {
      throw SimError.notFound(r.path());
    }
    switch (r.method()) {
      case "GET":
        return SimResponse.ok(address(a));
      case "POST":
        applyAddress(a, r);
        a.dateUpdated = Instant.now();
        return SimResponse.ok(address(a));
      case "DELETE":
        state.addresses.remove(a.sid);
        return SimResponse.noContent();
      default:
        throw SimError.notFound(r.path());
    }
  }

  private static String timerOrNull(String value, String name, java.time.Duration min) {
    java.time.Duration d = ConversationsEngine.parseTimer(name, value, min);
    return d == null ? null : value;
  }

  private static void applyAddress(Address a, SimRequest r) {
    if (r.has("FriendlyName")) {
      a.friendlyName = r.param("FriendlyName");
    }
    if (r.has("AutoCreation.Enabled")) {
      a.autoCreationEnabled = Boolean.parseBoolean(r.param("AutoCreation.Enabled"));
    }
    if (r.has("AutoCreation.Type")) {
      a.autoCreationType = r.param("AutoCreation.Type");
    }
    if (r.has("AutoCreation.ConversationServiceSid")) {
      a.conversationServiceSid = r.param("AutoCreation.ConversationServiceSid");
    }
    if (r.has("AutoCreation.WebhookUrl")) {
      a.webhookUrl = r.param("AutoCreation.WebhookUrl");
    }
    if (r.has("AutoCreation.WebhookMethod")) {
      a.webhookMethod = r.param("AutoCreation.WebhookMethod").toUpperCase();
    }
    if (r.has("AutoCreation.WebhookFilters")) {
      a.webhookFilters = new ArrayList<>(r.all("AutoCreation.WebhookFilters"));
    }
    if (r.has("AutoCreation.StudioFlowSid")) {
      a.studioFlowSid = r.param("AutoCreation.StudioFlowSid");
    }
    if (r.has("AutoCreation.StudioRetryCount")) {
      a.studioRetryCount = Integer.valueOf(r.param("AutoCreation.StudioRetryCount"));
    }
    if (r.has("AddressCountry")) {
      a.addressCountry = r.param("AddressCountry");
    }
  }

  private SimResponse roles(SimRequest r) {
    String service = r.seg(1);
    if (!service.equals(state.defaultChatServiceSid) && !state.serviceWebhooks.containsKey(service)) {
      throw SimError.notFound(r.path());
    }
    List<Map<String, Object>> roles = List.of(
        role(service, ConversationsEngine.ROLE_CHANNEL_USER, "channel user", List.of("sendMessage",
            "sendMediaMessage", "leaveConversation", "editOwnMessage", "editOwnMessageAttributes",
            "deleteOwnMessage", "editOwnParticipantAttributes")),
        role(service, ConversationsEngine.ROLE_AGENT, "agent", List.of("sendMessage",
            "sendMediaMessage", "leaveConversation", "editConversationAttributes", "editOwnMessage",
            "editOwnMessageAttributes", "deleteOwnMessage")));
    if (r.is("GET", 3)) {
      return SimResponse.ok(Paging.page(r, "roles", BASE + "/Services/" + service + "/Roles", roles));
    }
    if (r.is("GET", 4)) {
      return roles.stream().filter(m -> r.seg(3).equals(m.get("sid"))).findFirst()
          .map(SimResponse::ok).orElseThrow(() -> SimError.notFound(r.path()));
    }
    throw new SimError(403, 20403, "The sandbox's roles are read only");
  }

  private static Map<String, Object> role(String service, String sid, String name,
      List<String> permissions) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", sid);
    m.put("account_sid", SimState.ACCOUNT);
    m.put("chat_service_sid", service);
    m.put("friendly_name", name);
    m.put("type", "conversation");
    m.put("permissions", permissions);
    m.put("date_created", "2024-01-01T00:00:00Z");
    m.put("date_updated", "2024-01-01T00:00:00Z");
    m.put("url", BASE + "/Services/" + service + "/Roles/" + sid);
    return m;
  }

  private SimResponse services(SimRequest r) {
    // /Services/{IS}/Roles: the Flex Chat Service's built-in roles (read only)
    if (r.size() >= 3 && "Roles".equals(r.seg(2))) {
      return roles(r);
    }
    // /Services/{IS}/Configuration/Webhooks
    if (r.size() == 4 && "Configuration".equals(r.seg(2)) && "Webhooks".equals(r.seg(3))) {
      String service = r.seg(1);
      if (!service.equals(state.defaultChatServiceSid) && !state.serviceWebhooks.containsKey(service)) {
        throw SimError.notFound(r.path());
      }
      ServiceWebhooks hooks = state.serviceWebhooks.computeIfAbsent(service, k -> new ServiceWebhooks());
      if (r.method().equals("POST")) {
        if (r.has("PreWebhookUrl")) {
          hooks.preWebhookUrl = blankToNull(r.param("PreWebhookUrl"));
        }
        if (r.has("PostWebhookUrl")) {
          hooks.postWebhookUrl = blankToNull(r.param("PostWebhookUrl"));
        }
        if (r.has("Filters")) {
          hooks.filters = new ArrayList<>(r.all("Filters"));
        }
        if (r.has("Method")) {
          hooks.method = r.param("Method").toUpperCase();
        }
      } else if (!r.method().equals("GET")) {
        throw SimError.notFound(r.path());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("account_sid", SimState.ACCOUNT);
      m.put("chat_service_sid", service);
      m.put("pre_webhook_url", hooks.preWebhookUrl);
      m.put("post_webhook_url", hooks.postWebhookUrl);
      m.put("filters", hooks.filters);
      m.put("method", hooks.method);
      m.put("url", BASE + "/Services/" + service + "/Configuration/Webhooks");
      return SimResponse.ok(m);
    }
    throw SimError.notFound(r.path());
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String attributes(SimRequest r) {
    String a = r.param("Attributes");
    if (a == null) {
      return null;
    }
    SimJson.object(a, "Attributes");
    return a;
  }

  static Map<String, Object> mediaItem(String sid, String filename, String contentType, Long size) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", sid);
    m.put("size", size);
    m.put("content_type", contentType);
    m.put("filename", filename);
    m.put("category", "media");
    return m;
  }

  // ---- rendering ----

  Map<String, Object> conversation(Conversation c) {
    String url = BASE + "/Conversations/" + c.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("chat_service_sid", c.chatServiceSid);
    m.put("messaging_service_sid", c.messagingServiceSid);
    m.put("sid", c.sid);
    m.put("friendly_name", c.friendlyName);
    m.put("unique_name", c.uniqueName);
    m.put("attributes", c.attributes);
    m.put("state", c.state);
    m.put("date_created", SimJson.iso(c.dateCreated));
    m.put("date_updated", SimJson.iso(c.dateUpdated));
    m.put("timers", timers(c));
    m.put("url", url);
    m.put("links", Map.of("participants", url + "/Participants", "messages", url + "/Messages",
        "webhooks", url + "/Webhooks"));
    m.put("bindings", null);
    return m;
  }

  private static Map<String, Object> timers(Conversation c) {
    Map<String, Object> t = new LinkedHashMap<>();
    if (c.dateInactive != null) {
      t.put("date_inactive", SimJson.iso(c.dateInactive));
    }
    if (c.dateClosed != null) {
      t.put("date_closed", SimJson.iso(c.dateClosed));
    }
    return t;
  }

  Map<String, Object> participant(Conversation c, Participant p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("conversation_sid", c.sid);
    m.put("sid", p.sid);
    m.put("identity", p.identity);
    m.put("attributes", p.attributes);
    m.put("messaging_binding", binding(p));
    m.put("role_sid", p.roleSid);
    m.put("date_created", SimJson.iso(p.dateCreated));
    m.put("date_updated", SimJson.iso(p.dateUpdated));
    m.put("url", BASE + "/Conversations/" + c.sid + "/Participants/" + p.sid);
    m.put("last_read_message_index", null);
    m.put("last_read_timestamp", null);
    return m;
  }

  private static Map<String, Object> binding(Participant p) {
    if (p.address == null) {
      return null;
    }
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("type", p.bindingType);
    b.put("address", p.address);
    b.put("proxy_address", p.proxyAddress);
    return b;
  }

  Map<String, Object> message(Conversation c, Message msg) {
    String url = BASE + "/Conversations/" + c.sid + "/Messages/" + msg.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("conversation_sid", c.sid);
    m.put("sid", msg.sid);
    m.put("index", msg.index);
    m.put("author", msg.author);
    m.put("body", msg.body);
    m.put("media", msg.media);
    m.put("attributes", msg.attributes);
    m.put("participant_sid", msg.participantSid);
    m.put("date_created", SimJson.iso(msg.dateCreated));
    m.put("date_updated", SimJson.iso(msg.dateUpdated));
    m.put("url", url);
    m.put("delivery", null);
    m.put("links", Map.of("delivery_receipts", url + "/Receipts", "channel_metadata",
        url + "/ChannelMetadata"));
    m.put("content_sid", msg.contentSid);
    return m;
  }

  private Map<String, Object> webhook(ScopedWebhook w) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("url", w.url);
    config.put("method", w.method);
    config.put("filters", w.filters);
    if (!w.triggers.isEmpty()) {
      config.put("triggers", w.triggers);
    }
    if (w.flowSid != null) {
      config.put("flow_sid", w.flowSid);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", w.sid);
    m.put("account_sid", SimState.ACCOUNT);
    m.put("conversation_sid", w.conversationSid);
    m.put("target", w.target);
    m.put("url", BASE + "/Conversations/" + w.conversationSid + "/Webhooks/" + w.sid);
    m.put("configuration", config);
    m.put("date_created", SimJson.iso(w.dateCreated));
    m.put("date_updated", SimJson.iso(w.dateUpdated));
    return m;
  }

  private Map<String, Object> participantConversation(Conversation c, Participant p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("chat_service_sid", c.chatServiceSid);
    m.put("participant_sid", p.sid);
    m.put("participant_user_sid", null);
    m.put("participant_identity", p.identity);
    m.put("participant_messaging_binding", binding(p));
    m.put("conversation_sid", c.sid);
    m.put("conversation_unique_name", c.uniqueName);
    m.put("conversation_friendly_name", c.friendlyName);
    m.put("conversation_attributes", c.attributes);
    m.put("conversation_date_created", SimJson.iso(c.dateCreated));
    m.put("conversation_date_updated", SimJson.iso(c.dateUpdated));
    m.put("conversation_created_by", c.createdByAddressSid != null ? "system" : "API");
    m.put("conversation_state", c.state);
    m.put("conversation_timers", timers(c));
    m.put("links", Map.of("participant", BASE + "/Conversations/" + c.sid + "/Participants/" + p.sid,
        "conversation", BASE + "/Conversations/" + c.sid));
    return m;
  }

  Map<String, Object> address(Address a) {
    Map<String, Object> auto = new LinkedHashMap<>();
    auto.put("enabled", a.autoCreationEnabled);
    auto.put("type", a.autoCreationType);
    auto.put("conversation_service_sid", a.conversationServiceSid);
    auto.put("webhook_url", a.webhookUrl);
    auto.put("webhook_method", a.webhookMethod);
    auto.put("webhook_filters", a.webhookFilters);
    auto.put("studio_flow_sid", a.studioFlowSid);
    auto.put("studio_retry_count", a.studioRetryCount);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", a.sid);
    m.put("account_sid", SimState.ACCOUNT);
    m.put("type", a.type);
    m.put("address", a.address);
    m.put("friendly_name", a.friendlyName);
    m.put("auto_creation", auto);
    m.put("date_created", SimJson.iso(a.dateCreated));
    m.put("date_updated", SimJson.iso(a.dateUpdated));
    m.put("url", BASE + "/Configuration/Addresses/" + a.sid);
    m.put("address_country", a.addressCountry);
    return m;
  }
}
