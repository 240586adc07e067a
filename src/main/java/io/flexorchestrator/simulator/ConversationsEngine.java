package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Message;
import io.flexorchestrator.simulator.SimModel.Participant;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Twilio Conversations' rules: states (active, inactive, closed) and timers, the one non-closed
 * conversation per messaging binding (50416), no messages or participants in a closed conversation
 * (50434, the simulator's choice). Every method runs under the state lock.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class ConversationsEngine {

  /** Code the simulator answers for a change to a closed conversation. */
  static final int CLOSED_CODE = 50434;
  static final int DUPLICATE_PARTICIPANT_CODE = 50433;
  static final int BINDING_CODE = 50416;
  static final Duration MIN_INACTIVE = Duration.ofMinutes(1);
  static final Duration MIN_CLOSED = Duration.ofMinutes(10);

  private static final Logger log = LoggerFactory.getLogger(ConversationsEngine.class);

  private final SimState state;
  private final ConversationEvents events;
  /** Called when a conversation closes, with the reason (API, TIMER, CHANNEL). */
  private final List<BiConsumer<Conversation, String>> closedHooks = new CopyOnWriteArrayList<>();

  public ConversationsEngine(SimState state, ConversationEvents events) {
    this.state = state;
    this.events = events;
  }

  void onClosed(BiConsumer<Conversation, String> hook) {
    closedHooks.add(hook);
  }

  Conversation require(String sid) {
    Conversation c = state.conversation(sid);
    if (c == null) {
      throw SimError.notFound("/Conversations/" + sid);
    }
    return c;
  }

  Conversation create(String chatServiceSid, String friendlyName, String uniqueName,
      String attributes, String messagingServiceSid, String source) {
    if (uniqueName != null && state.conversation(uniqueName) != null) {
      throw new SimError(409, 50353, "Conversation with provided unique name already exists");
    }
    Conversation c = new Conversation();
    c.sid = Sids.next("CH");
    c.chatServiceSid = chatServiceSid == null ? state.defaultChatServiceSid : chatServiceSid;
    c.messagingServiceSid = messagingServiceSid == null ? state.defaultMessagingServiceSid
        : messagingServiceSid;
    c.friendlyName = friendlyName;
    c.uniqueName = uniqueName;
    c.attributes = attributes == null ? "{}" : attributes;
    c.source = source;
    state.conversations.put(c.sid, c);
    applyDefaultTimers(c);
    return c;
  }

  private void applyDefaultTimers(Conversation c) {
    if (state.defaultInactiveTimer != null) {
      c.inactiveTimer = Duration.parse(state.defaultInactiveTimer);
    }
    if (state.defaultClosedTimer != null) {
      c.closedTimer = Duration.parse(state.defaultClosedTimer);
    }
    restartTimers(c);
  }

  /** Sets the timers from ISO-8601 durations (null = unchanged), with Twilio's minimums. */
  void setTimers(Conversation c, String inactive, String closed) {
    if (!c.open()) {
      throw new SimError(409, CLOSED_CODE, "Conversation " + c.sid + " is closed");
    }
    if (inactive != null) {
      c.inactiveTimer = parseTimer("Timers.Inactive", inactive, MIN_INACTIVE);
    }
    if (closed != null) {
      c.closedTimer = parseTimer("Timers.Closed", closed, MIN_CLOSED);
    }
    restartTimers(c);
  }

  static Duration parseTimer(String name, String value, Duration minimum) {
    if (value.isBlank()) {
      return null;
    }
    Duration d;
    try {
      d = Duration.parse(value);
    } catch (DateTimeParseException e) {
      throw SimError.invalid("Invalid " + name + ": " + value + " is not an ISO 8601 duration");
    }
    if (d.compareTo(minimum) < 0) {
      throw SimError.invalid("Invalid " + name + ": " + value + " is below the minimum of "
          + minimum);
    }
    return d;
  }

  private static void restartTimers(Conversation c) {
    Instant now = Instant.now();
    c.dateInactive = c.inactiveTimer != null && "active".equals(c.state)
        ? now.plus(c.inactiveTimer) : null;
    c.dateClosed = c.closedTimer != null ? now.plus(c.closedTimer) : null;
  }

  /** A state change by API or timer; closing tells the hooks (interaction channel, tasks). */
  void changeState(Conversation c, String to, String reason) {
    String from = c.state;
    if (from.equals(to)) {
      return;
    }
    if ("closed".equals(from)) {
      throw new SimError(409, CLOSED_CODE, "Conversation " + c.sid + " is closed and cannot be"
          + " reopened");
    }
    c.state = to;
    c.dateUpdated = Instant.now();
    if ("closed".equals(to)) {
      c.dateInactive = null;
      c.dateClosed = null;
    } else if ("active".equals(to)) {
      restartTimers(c);
    } else {
      c.dateInactive = null;
    }
    log.info("conversation {} {} -> {} ({})", c.sid, from, to, reason);
    events.stateUpdated(c, from, to, "CHANNEL".equals(reason) ? "API" : reason);
    if ("closed".equals(to)) {
      closedHooks.forEach(h -> h.accept(c, reason));
    }
  }

  Participant addParticipant(Conversation c, String identity, String address, String proxyAddress,
      String attributes, String roleSid, String source) {
    if (!c.open()) {
      throw new SimError(409, CLOSED_CODE, "Conversation " + c.sid
          + " is closed: participants cannot be added");
    }
    if (identity == null && address == null) {
      throw SimError.invalid("Either Identity or MessagingBinding.Address is required");
    }
    if (address != null && proxyAddress == null && !address.startsWith("messenger:")) {
      throw SimError.invalid("MessagingBinding.ProxyAddress is required with"
          + " MessagingBinding.Address");
    }
    if (identity != null) {
      for (Participant p : c.participants.values()) {
        if (identity.equals(p.identity)) {
          throw new SimError(409, DUPLICATE_PARTICIPANT_CODE, "Participant already exists");
        }
      }
    }
    if (address != null) {
      Conversation other = openConversationOfBinding(address, proxyAddress);
      if (other != null) {
        throw new SimError(409, BINDING_CODE, "A binding for this participant and proxy address"
            + " already exists in Conversation " + other.sid);
      }
    }
    Participant p = new Participant();
    p.sid = Sids.next("MB");
    p.conversationSid = c.sid;
    p.identity = identity;
    p.address = address;
    p.proxyAddress = proxyAddress;
    p.bindingType = address == null ? null : bindingType(address);
    p.attributes = attributes == null ? "{}" : attributes;
    p.roleSid = roleSid != null ? roleSid : identity != null ? ROLE_CHANNEL_USER : null;
    c.participants.put(p.sid, p);
    c.dateUpdated = Instant.now();
    events.participantAdded(c, p, source);
    return p;
  }

  static final String ROLE_CHANNEL_USER = "RL5a5db0c5a5db0c5a5db0c5a5db0c0001";
  static final String ROLE_AGENT = "RL5a5db0c5a5db0c5a5db0c5a5db0c0002";

  static String bindingType(String address) {
    if (address.startsWith("whatsapp:")) {
      return "whatsapp";
    }
    if (address.startsWith("messenger:")) {
      return "messenger";
    }
    return "sms";
  }

  Conversation openConversationOfBinding(String address, String proxyAddress) {
    for (Conversation c : state.conversations.values()) {
      if (!c.open()) {
        continue;
      }
      for (Participant p : c.participants.values()) {
        if (address.equals(p.address) && java.util.Objects.equals(proxyAddress, p.proxyAddress)) {
          return c;
        }
      }
    }
    return null;
  }

  void removeParticipant(Conversation c, Participant p, String source) {
    if (c.participants.remove(p.sid) != null) {
      c.dateUpdated = Instant.now();
      events.participantRemoved(c, p, source);
    }
  }

  Message addMessage(Conversation c, String author, String body, String attributes,
      String contentSid, List<Map<String, Object>> media, String source, String clientIdentity) {
    if (!c.open()) {
      throw new SimError(409, CLOSED_CODE, "Conversation " + c.sid
          + " is closed: messages cannot be added");
    }
    if ((body == null || body.isEmpty()) && contentSid == null && (media == null || media.isEmpty())) {
      throw SimError.invalid("A message needs a Body, a ContentSid or media");
    }
    if ("inactive".equals(c.state)) {
      changeState(c, "active", "API");
    }
    Message m = new Message();
    m.sid = Sids.next("IM");
    m.conversationSid = c.sid;
    m.index = c.nextIndex++;
    m.author = author == null ? "system" : author;
    m.body = body;
    m.attributes = attributes == null ? "{}" : attributes;
    m.contentSid = contentSid;
    m.media = media;
    for (Participant p : c.participants.values()) {
      if (m.author.equals(p.identity) || m.author.equals(p.address)) {
        m.participantSid = p.sid;
      }
    }
    c.messages.add(m);
    c.dateUpdated = m.dateCreated;
    restartTimers(c);
    events.messageAdded(c, m, source, clientIdentity);
    return m;
  }

  void delete(Conversation c) {
    state.conversations.remove(c.sid);
    events.conversationRemoved(c);
    if (c.open()) {
      closedHooks.forEach(h -> h.accept(c, "DELETED"));
    }
  }

  /** Timers due now (optional real-time mode). */
  void fireDueTimers(Instant now) {
    for (Conversation c : List.copyOf(state.conversations.values())) {
      if (c.open() && c.dateClosed != null && !now.isBefore(c.dateClosed)) {
        changeState(c, "closed", "TIMER");
      } else if ("active".equals(c.state) && c.dateInactive != null && !now.isBefore(c.dateInactive)) {
        changeState(c, "inactive", "TIMER");
      }
    }
  }
}
