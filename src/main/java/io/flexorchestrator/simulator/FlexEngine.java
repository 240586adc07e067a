package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.ChannelParticipant;
import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Interaction;
import io.flexorchestrator.simulator.SimModel.InteractionChannel;
import io.flexorchestrator.simulator.SimModel.Invite;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The Interactions API: an interaction with its channel (bound to a conversation) and, at once, a
 * TaskRouter task whose attributes are the routing attributes plus Flex's own; invites add tasks
 * to the same channel; closing the channel settles its tasks and closes the conversation. Runs
 * under the state lock.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class FlexEngine {

  private static final Logger log = LoggerFactory.getLogger(FlexEngine.class);

  private final SimState state;
  private final TaskEngine tasks;
  private final ConversationsEngine conversations;

  public FlexEngine(SimState state, TaskEngine tasks, ConversationsEngine conversations) {
    this.state = state;
    this.tasks = tasks;
    this.conversations = conversations;
    conversations.onClosed(this::conversationClosed);
  }

  Interaction create(Map<String, Object> channel, Map<String, Object> routing,
      String interactionContextSid, String webhookTtid) {
    String type = SimJson.str(channel.get("type"));
    if (type == null) {
      throw SimError.invalid("Channel.type is required");
    }
    if (!List.of("voice", "sms", "email", "web", "whatsapp", "chat", "messenger", "gbm").contains(type)) {
      throw SimError.invalid("Invalid Channel.type: " + type);
    }
    String initiatedBy = SimJson.str(channel.getOrDefault("initiated_by", "customer"));
    if (!List.of("customer", "api", "agent").contains(initiatedBy)) {
      throw SimError.invalid("Invalid Channel.initiated_by: " + initiatedBy);
    }
    Map<String, Object> routingProps = SimJson.map(routing.get("properties"));
    if (routingProps.isEmpty()) {
      throw SimError.invalid("Routing.properties is required");
    }
    checkRouting(routingProps);
    Map<String, Object> channelProps = SimJson.map(channel.get("properties"));
    String mediaChannelSid = SimJson.str(channelProps.get("media_channel_sid"));
    Conversation c;
    boolean createdConversation = false;
    if (mediaChannelSid != null) {
      c = state.conversations.get(mediaChannelSid);
      if (c == null) {
        throw SimError.invalid("Invalid Channel.properties.media_channel_sid: conversation "
            + mediaChannelSid + " not found");
      }
      if (!c.open()) {
        throw new SimError(409, ConversationsEngine.CLOSED_CODE, "Conversation " + c.sid
            + " is closed: no interaction can be created on it");
      }
    } else if ("agent".equals(initiatedBy) || "api".equals(initiatedBy)) {
      c = conversations.create(null, null, null, "{}", null, "API");
      createdConversation = true;
      try {
        addOutboundParticipants(c, channel);
      } catch (SimError e) {
        state.conversations.remove(c.sid);
        throw e;
      }
    } else {
      throw SimError.invalid("Channel.properties.media_channel_sid is required for customer"
          + " initiated interactions");
    }
    Interaction i = new Interaction();
    i.sid = Sids.next("KD");
    i.channelParam = channel;
    i.routingParam = routing;
    i.interactionContextSid = interactionContextSid;
    i.webhookTtid = webhookTtid;
    InteractionChannel ch = new InteractionChannel();
    ch.sid = Sids.next("UO");
    ch.interactionSid = i.sid;
    ch.type = type;
    ch.conversationSid = c.sid;
    i.channels.put(ch.sid, ch);
    state.interactions.put(i.sid, i);
    addCustomerParticipants(ch, c);
    log.info("interaction {} channel {} on conversation {} ({}, {}{})", i.sid, ch.sid, c.sid,
        type, initiatedBy, createdConversation ? ", new conversation" : "");
    String direction = "agent".equals(initiatedBy) ? "outbound" : "inbound";
    Task t = routeTask(ch, routingProps, direction, initiatedBy, null);
    i.firstTaskSid = t.sid;
    return i;
  }

  Invite invite(InteractionChannel ch, Map<String, Object> routing) {
    if ("closed".equals(ch.status) || "failed".equals(ch.status)) {
      throw new SimError(400, 20001, "Interaction channel " + ch.sid + " is " + ch.status
          + ": no invite possible");
    }
    Map<String, Object> props = SimJson.map(routing.get("properties"));
    if (props.isEmpty()) {
      throw SimError.invalid("Routing.properties is required");
    }
    checkRouting(props);
    Conversation c = state.conversations.get(ch.conversationSid);
    if (c != null && !c.open()) {
      throw new SimError(409, ConversationsEngine.CLOSED_CODE, "Conversation " + c.sid
          + " is closed: no invite possible");
    }
    Invite invite = new Invite();
    invite.sid = Sids.next("KG");
    invite.interactionSid = ch.interactionSid;
    invite.channelSid = ch.sid;
    invite.routing = routing;
    ch.invites.put(invite.sid, invite);
    if ("inactive".equals(ch.status)) {
      ch.status = "active";
    }
    Interaction i = state.interactions.get(ch.interactionSid);
    String initiatedBy = SimJson.str(SimJson.map(i.channelParam).getOrDefault("initiated_by", "customer"));
    Task t = routeTask(ch, props, "agent".equals(initiatedBy) ? "outbound" : "inbound",
        initiatedBy, invite.sid);
    invite.taskSid = t.sid;
    return invite;
  }

  /** Status closed or inactive; {@code routingClosed} = Routing {"status":"closed"}. */
  void updateChannel(InteractionChannel ch, String status, boolean routingClosed) {
    if ("inactive".equals(status) && !routingClosed) {
      throw SimError.invalid("Routing status is required when the channel status is set to"
          + " inactive: Routing={\"status\":\"closed\"}");
    }
    if ("closed".equals(ch.status)) {
      // already closed: Twilio answers with the channel unchanged, nothing happens twice
      return;
    }
    log.info("interaction channel {} {} -> {} (routing {})", ch.sid, ch.status, status,
        routingClosed ? "closed" : "default");
    ch.status = status;
    for (String taskSid : ch.taskSids) {
      Task t = state.tasks.get(taskSid);
      if (t != null && t.open()) {
        tasks.closeForChannel(t, routingClosed);
      }
    }
    for (ChannelParticipant p : ch.participants.values()) {
      p.status = "closed";
    }
    if ("closed".equals(status)) {
      Conversation c = state.conversations.get(ch.conversationSid);
      if (c != null && c.open()) {
        conversations.changeState(c, "closed", "CHANNEL");
      }
    }
  }

  /** A conversation closed (API, timer, deleted): its open channels close, tasks settle. */
  private void conversationClosed(Conversation c, String reason) {
    if ("CHANNEL".equals(reason)) {
      return;
    }
    for (Interaction i : state.interactions.values()) {
      for (InteractionChannel ch : i.channels.values()) {
        if (c.sid.equals(ch.conversationSid) && !"closed".equals(ch.status)) {
          ch.status = "closed";
          for (String taskSid : ch.taskSids) {
            Task t = state.tasks.get(taskSid);
            if (t != null && t.open()) {
              tasks.closeForChannel(t, true);
            }
          }
          ch.participants.values().forEach(p -> p.status = "closed");
        }
      }
    }
  }

  ChannelParticipant addChannelParticipant(InteractionChannel ch, String type,
      Map<String, Object> media, Map<String, Object> routing) {
    ChannelParticipant p = new ChannelParticipant();
    p.sid = Sids.next("UT");
    p.interactionSid = ch.interactionSid;
    p.channelSid = ch.sid;
    p.type = type;
    p.mediaProperties = media;
    p.routingProperties = routing;
    ch.participants.put(p.sid, p);
    return p;
  }

  void updateChannelParticipant(InteractionChannel ch, ChannelParticipant p, String status) {
    p.status = status;
    Object taskSid = p.routingProperties == null ? null : p.routingProperties.get("task_sid");
    Task t = taskSid instanceof String s ? state.tasks.get(s) : null;
    if (t == null) {
      return;
    }
    if ("wrapup".equals(status) && "assigned".equals(t.status)) {
      tasks.wrapup(t, "Participant wrapped up");
    } else if ("closed".equals(status) && ("assigned".equals(t.status) || "wrapping".equals(t.status))) {
      tasks.complete(t, "Participant left");
    }
  }

  private Task routeTask(InteractionChannel ch, Map<String, Object> props, String direction,
      String initiatedBy, String inviteSid) {
    Map<String, Object> attributes = new LinkedHashMap<>(SimJson.map(props.get("attributes")));
    attributes.putIfAbsent("channelType", ch.type);
    attributes.putIfAbsent("direction", direction);
    attributes.putIfAbsent("initiatedBy", initiatedBy);
    attributes.put("conversationSid", ch.conversationSid);
    attributes.put("flexInteractionSid", ch.interactionSid);
    attributes.put("flexInteractionChannelSid", ch.sid);
    if (inviteSid != null) {
      attributes.put("flexChannelInviteSid", inviteSid);
    }
    Map<String, Object> conv = new LinkedHashMap<>();
    conv.put("conversation_id", ch.interactionSid);
    conv.put("initiated_by", initiatedBy);
    conv.put("media", List.of(Map.of("type", "ChatTranscript", "sid", ch.conversationSid)));
    attributes.putIfAbsent("conversations", conv);
    Conversation c = state.conversations.get(ch.conversationSid);
    if (c != null) {
      c.participants.values().stream().filter(p -> p.address != null).findFirst()
          .ifPresent(p -> attributes.putIfAbsent("customerAddress", p.address));
    }
    String worker = SimJson.str(props.get("worker_sid"));
    Task t = tasks.create(SimJson.write(attributes), SimJson.str(props.get("workflow_sid")),
        SimJson.str(props.getOrDefault("task_channel_unique_name", "default")),
        intOrNull(props.get("priority")), intOrNull(props.get("timeout")),
        SimJson.str(props.get("queue_sid")), worker);
    t.interactionSid = ch.interactionSid;
    t.channelSid = ch.sid;
    t.inviteSid = inviteSid;
    ch.taskSids.add(t.sid);
    return t;
  }

  private void checkRouting(Map<String, Object> props) {
    String ws = SimJson.str(props.get("workspace_sid"));
    if (ws == null) {
      throw SimError.invalid("Routing.properties.workspace_sid is required");
    }
    if (!ws.equals(state.workspace.sid)) {
      throw SimError.invalid("Invalid Routing.properties.workspace_sid: " + ws);
    }
    String wf = SimJson.str(props.get("workflow_sid"));
    String queue = SimJson.str(props.get("queue_sid"));
    if (wf == null && queue == null) {
      throw SimError.invalid("Routing.properties.workflow_sid (or queue_sid) is required");
    }
    if (wf != null && !state.workflows.containsKey(wf)) {
      throw SimError.invalid("Invalid Routing.properties.workflow_sid: " + wf);
    }
    String worker = SimJson.str(props.get("worker_sid"));
    if (worker != null && !state.workers.containsKey(worker)) {
      throw SimError.invalid("Invalid Routing.properties.worker_sid: " + worker);
    }
    Object attrs = props.get("attributes");
    if (attrs != null && !(attrs instanceof Map)) {
      throw SimError.invalid("Routing.properties.attributes must be a JSON object");
    }
  }

  private void addOutboundParticipants(Conversation c, Map<String, Object> channel) {
    Object raw = channel.get("participants");
    List<Object> participants = raw instanceof List<?> l ? new ArrayList<>(l) : List.of();
    if (participants.isEmpty()) {
      throw SimError.invalid("Channel.participants is required for an agent initiated interaction"
          + " without media_channel_sid");
    }
    for (Object o : participants) {
      Map<String, Object> p = SimJson.map(o);
      conversations.addParticipant(c, SimJson.str(p.get("identity")),
          SimJson.str(p.get("address")), SimJson.str(p.get("proxy_address")), null, null, "API");
    }
  }

  private void addCustomerParticipants(InteractionChannel ch, Conversation c) {
    for (Participant p : c.participants.values()) {
      if (p.address != null || !ConversationsEngine.ROLE_AGENT.equals(p.roleSid)) {
        Map<String, Object> media = new LinkedHashMap<>();
        media.put("conversation_sid", c.sid);
        media.put("participant_sid", p.sid);
        if (p.address != null) {
          media.put("address", p.address);
          media.put("proxy_address", p.proxyAddress);
        } else {
          media.put("identity", p.identity);
        }
        addChannelParticipant(ch, "customer", media, null);
      }
    }
  }

  private static Integer intOrNull(Object o) {
    if (o instanceof Number n) {
      return n.intValue();
    }
    if (o instanceof String s && s.matches("-?\\d+")) {
      return Integer.parseInt(s);
    }
    return null;
  }
}
