package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Interaction;
import io.flexorchestrator.simulator.SimModel.InteractionChannel;
import io.flexorchestrator.simulator.SimModel.Invite;
import io.flexorchestrator.simulator.SimModel.Message;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.Reservation;
import io.flexorchestrator.simulator.SimModel.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Read-only views of the simulator's state for tests and demos (camelCase JSON). */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class StateViews {

  private final SimState state;

  public StateViews(SimState state) {
    this.state = state;
  }

  Map<String, Object> conversation(String sid) {
    return state.locked(() -> {
      Conversation c = state.conversation(sid);
      if (c == null) {
        return null;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sid", c.sid);
      m.put("state", c.state);
      m.put("chatServiceSid", c.chatServiceSid);
      m.put("attributes", c.attributes);
      m.put("friendlyName", c.friendlyName);
      m.put("uniqueName", c.uniqueName);
      m.put("dateCreated", SimJson.iso(c.dateCreated));
      m.put("timers", timers(c));
      List<Map<String, Object>> participants = new ArrayList<>();
      for (Participant p : c.participants.values()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("sid", p.sid);
        pm.put("identity", p.identity);
        pm.put("address", p.address);
        pm.put("proxyAddress", p.proxyAddress);
        pm.put("bindingType", p.bindingType);
        pm.put("role", ConversationsEngine.ROLE_AGENT.equals(p.roleSid) ? "agent"
            : p.identity != null ? "user" : "customer");
        pm.put("attributes", p.attributes);
        participants.add(pm);
      }
      m.put("participants", participants);
      List<Map<String, Object>> messages = new ArrayList<>();
      for (Message msg : c.messages) {
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("sid", msg.sid);
        mm.put("index", msg.index);
        mm.put("author", msg.author);
        mm.put("body", msg.body);
        mm.put("contentSid", msg.contentSid);
        mm.put("attributes", msg.attributes);
        mm.put("media", msg.media);
        mm.put("dateCreated", SimJson.iso(msg.dateCreated));
        messages.add(mm);
      }
      m.put("messages", messages);
      m.put("webhooks", c.webhooks.values().stream().map(w -> Map.of("sid", w.sid, "target",
          w.target, "url", String.valueOf(w.url), "filters", w.filters)).toList());
      return m;
    });
  }

  private static Map<String, Object> timers(Conversation c) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("inactive", c.inactiveTimer == null ? null : c.inactiveTimer.toString());
    t.put("closed", c.closedTimer == null ? null : c.closedTimer.toString());
    t.put("dateInactive", SimJson.iso(c.dateInactive));
    t.put("dateClosed", SimJson.iso(c.dateClosed));
    return t;
  }

  List<Map<String, Object>> tasks(String conversationSid) {
    return state.locked(() -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Task t : state.tasks.values()) {
        Map<String, Object> attrs = SimJson.lenientObject(t.attributes);
        if (conversationSid != null && !conversationSid.equals(attrs.get("conversationSid"))) {
          continue;
        }
        out.add(task(t, attrs));
      }
      return out;
    });
  }

  private static Map<String, Object> task(Task t, Map<String, Object> attrs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", t.sid);
    m.put("status", t.status);
    m.put("attributes", attrs);
    m.put("workflowSid", t.workflowSid);
    m.put("taskChannel", t.taskChannelUniqueName);
    m.put("reason", t.reason);
    m.put("interactionSid", t.interactionSid);
    m.put("channelSid", t.channelSid);
    m.put("inviteSid", t.inviteSid);
    m.put("dateCreated", SimJson.iso(t.dateCreated));
    List<Map<String, Object>> reservations = new ArrayList<>();
    for (Reservation r : t.reservations.values()) {
      reservations.add(Map.of("sid", r.sid, "workerSid", r.workerSid, "status", r.status));
    }
    m.put("reservations", reservations);
    return m;
  }

  Map<String, Object> interaction(String sid) {
    return state.locked(() -> {
      Interaction i = state.interactions.get(sid);
      if (i == null) {
        return null;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sid", i.sid);
      m.put("channelParam", i.channelParam);
      m.put("routingParam", i.routingParam);
      List<Map<String, Object>> channels = new ArrayList<>();
      for (InteractionChannel ch : i.channels.values()) {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("sid", ch.sid);
        cm.put("type", ch.type);
        cm.put("status", ch.status);
        cm.put("conversationSid", ch.conversationSid);
        cm.put("taskSids", List.copyOf(ch.taskSids));
        List<Map<String, Object>> invites = new ArrayList<>();
        for (Invite inv : ch.invites.values()) {
          Map<String, Object> im = new LinkedHashMap<>();
          im.put("sid", inv.sid);
          im.put("taskSid", inv.taskSid);
          im.put("routing", inv.routing);
          invites.add(im);
        }
        cm.put("invites", invites);
        cm.put("participants", ch.participants.values().stream()
            .map(p -> Map.of("sid", p.sid, "type", String.valueOf(p.type), "status", p.status)).toList());
        channels.add(cm);
      }
      m.put("channels", channels);
      return m;
    });
  }

  List<Map<String, Object>> workers() {
    return state.locked(() -> state.workers.values().stream().map(w -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sid", w.sid);
      m.put("friendlyName", w.friendlyName);
      m.put("chatIdentity", w.chatIdentity);
      m.put("available", w.available);
      m.put("attributes", SimJson.lenientObject(w.attributes));
      return m;
    }).toList());
  }
}
