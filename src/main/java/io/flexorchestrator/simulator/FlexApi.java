package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.ChannelParticipant;
import io.flexorchestrator.simulator.SimModel.Interaction;
import io.flexorchestrator.simulator.SimModel.InteractionChannel;
import io.flexorchestrator.simulator.SimModel.Invite;
import io.flexorchestrator.simulator.SimModel.Task;
import io.flexorchestrator.simulator.SimModel.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Twilio Flex API v1: Interactions, their channels, invites, participants; Configuration. */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class FlexApi implements SimApi {

  static final String BASE = "https://flex-api.twilio.com/v1";

  private final SimState state;
  private final FlexEngine engine;

  public FlexApi(SimState state, FlexEngine engine) {
    this.state = state;
    this.engine = engine;
  }

  @Override
  public String product() {
    return "flex-api";
  }

  @Override
  public SimResponse handle(SimRequest r) {
    if (r.size() == 0) {
      throw SimError.notFound(r.path());
    }
    return switch (r.seg(0)) {
      case "Interactions" -> interactions(r);
      case "Configuration" -> configuration(r);
      default -> throw SimError.notFound(r.path());
    };
  }

  private SimResponse interactions(SimRequest r) {
    if (r.is("POST", 1)) {
      Map<String, Object> channel = SimJson.object(r.param("Channel"), "Channel");
      if (r.param("Channel") == null) {
        throw SimError.invalid("Missing required parameter Channel in the post body");
      }
      if (r.param("Routing") == null) {
        throw SimError.invalid("Missing required parameter Routing in the post body");
      }
      Map<String, Object> routing = SimJson.object(r.param("Routing"), "Routing");
      Interaction i = engine.create(channel, routing, r.param("InteractionContextSid"),
          r.param("WebhookTtid"));
      return SimResponse.ok(interaction(i));
    }
    Interaction i = state.interactions.get(r.seg(1));
    if (i == null) {
      throw SimError.notFound(r.path());
    }
    if (r.size() == 2) {
      if (r.method().equals("GET")) {
        return SimResponse.ok(interaction(i));
      }
      if (r.method().equals("POST")) {
        if (r.has("WebhookTtid")) {
          i.webhookTtid = r.param("WebhookTtid");
        }
        return SimResponse.ok(interaction(i));
      }
      throw SimError.notFound(r.path());
    }
    if (!"Channels".equals(r.seg(2))) {
      throw SimError.notFound(r.path());
    }
    if (r.is("GET", 3)) {
      List<Map<String, Object>> items = i.channels.values().stream().map(this::channel).toList();
      return SimResponse.ok(Paging.page(r, "channels", BASE + "/Interactions/" + i.sid + "/Channels",
          items));
    }
    InteractionChannel ch = i.channels.get(r.seg(3));
    if (ch == null) {
      throw SimError.notFound(r.path());
    }
    if (r.size() == 4) {
      if (r.method().equals("GET")) {
        return SimResponse.ok(channel(ch));
      }
      if (r.method().equals("POST")) {
        boolean routingClosed = false;
        if (r.param("Routing") != null) {
          Map<String, Object> routing = SimJson.object(r.param("Routing"), "Routing");
          Object status = routing.get("status");
          if (status != null && !"closed".equals(status)) {
            throw SimError.invalid("Invalid Routing status: " + status + " (allowed: closed)");
          }
          routingClosed = "closed".equals(status);
        }
        engine.updateChannel(ch, r.param("Status"), routingClosed);
        return SimResponse.ok(channel(ch));
      }
      throw SimError.notFound(r.path());
    }
    String base = BASE + "/Interactions/" + i.sid + "/Channels/" + ch.sid;
    return switch (r.seg(4)) {
      case "Invites" -> invites(r, ch, base);
      case "Participants" -> participants(r, ch, base);
      default -> throw SimError.notFound(r.path());
    };
  }

  private SimResponse invites(SimRequest r, InteractionChannel ch, String base) {
    if (r.is("GET", 5)) {
      List<Map<String, Object>> items = ch.invites.values().stream().map(this::invite).toList();
      return SimResponse.ok(Paging.page(r, "invites", base + "/Invites", items));
    }
    if (r.is("POST", 5)) {
      Map<String, Object> routing = SimJson.object(r.param("Routing"), "Routing");
      Invite invite = engine.invite(ch, routing);
      return SimResponse.ok(invite(invite));
    }
    throw SimError.notFound(r.path());
  }

  private SimResponse participants(SimRequest r, InteractionChannel ch, String base) {
    if (r.is("GET", 5)) {
      List<Map<String, Object>> items = ch.participants.values().stream()
          .map(p -> participant(p, base)).toList();
      return SimResponse.ok(Paging.page(r, "participants", base + "/Participants", items));
    }
    if (r.is("POST", 5)) {
      Map<String, Object> media = SimJson.object(r.param("MediaProperties"), "MediaProperties");
      Map<String, Object> routing = r.param("RoutingProperties") == null ? null
          : SimJson.object(r.param("RoutingProperties"), "RoutingProperties");
      ChannelParticipant p = engine.addChannelParticipant(ch, r.param("Type"), media, routing);
      return SimResponse.ok(participant(p, base));
    }
    if (r.is("POST", 6)) {
      ChannelParticipant p = ch.participants.get(r.seg(5));
      if (p == null) {
        throw SimError.notFound(r.path());
      }
      engine.updateChannelParticipant(ch, p, r.param("Status"));
      return SimResponse.ok(participant(p, base));
    }
    throw SimError.notFound(r.path());
  }

  private SimResponse configuration(SimRequest r) {
    if (r.size() != 1) {
      throw SimError.notFound(r.path());
    }
    if (r.method().equals("POST")) {
      Map<String, Object> body = r.json();
      if (body == null) {
        throw SimError.invalid("The Configuration update takes a JSON body");
      }
      Object account = body.get("account_sid");
      if (account == null) {
        throw SimError.invalid("Missing required parameter account_sid in the body");
      }
      if (!SimState.ACCOUNT.equals(account)) {
        throw new SimError(403, 20403, "account_sid does not match the authenticated account");
      }
      body.forEach((k, v) -> {
        if (!List.of("account_sid", "url", "date_created", "date_updated").contains(k)) {
          state.flexConfiguration.put(k, v);
        }
      });
      state.flexConfigurationUpdated = Instant.now();
    } else if (!r.method().equals("GET")) {
      throw SimError.notFound(r.path());
    }
    Map<String, Object> m = new LinkedHashMap<>(state.flexConfiguration);
    m.put("date_created", SimJson.iso(state.workspace.dateCreated));
    m.put("date_updated", SimJson.iso(state.flexConfigurationUpdated));
    return SimResponse.ok(m);
  }

  // ---- rendering ----

  Map<String, Object> interaction(Interaction i) {
    InteractionChannel ch = i.channels.values().iterator().next();
    Map<String, Object> channel = new LinkedHashMap<>();
    channel.put("type", ch.type);
    channel.put("sid", ch.sid);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", i.sid);
    m.put("channel", channel);
    m.put("routing", routing(state.tasks.get(i.firstTaskSid)));
    m.put("interaction_context_sid", i.interactionContextSid);
    m.put("webhook_ttid", i.webhookTtid);
    m.put("url", BASE + "/Interactions/" + i.sid);
    m.put("links", Map.of("channels", BASE + "/Interactions/" + i.sid + "/Channels"));
    return m;
  }

  Map<String, Object> channel(InteractionChannel ch) {
    String url = BASE + "/Interactions/" + ch.interactionSid + "/Channels/" + ch.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", ch.sid);
    m.put("interaction_sid", ch.interactionSid);
    m.put("type", ch.type);
    m.put("status", ch.status);
    m.put("error_code", ch.errorCode);
    m.put("error_message", ch.errorMessage);
    m.put("url", url);
    m.put("links", Map.of("participants", url + "/Participants", "invites", url + "/Invites",
        "transfers", url + "/Transfers"));
    return m;
  }

  Map<String, Object> invite(Invite invite) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", invite.sid);
    m.put("channel_sid", invite.channelSid);
    m.put("interaction_sid", invite.interactionSid);
    m.put("routing", routing(state.tasks.get(invite.taskSid)));
    m.put("url", BASE + "/Interactions/" + invite.interactionSid + "/Channels/" + invite.channelSid
        + "/Invites/" + invite.sid);
    return m;
  }

  private static Map<String, Object> participant(ChannelParticipant p, String base) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sid", p.sid);
    m.put("type", p.type);
    m.put("interaction_sid", p.interactionSid);
    m.put("channel_sid", p.channelSid);
    m.put("url", base + "/Participants/" + p.sid);
    m.put("routing_properties", p.routingProperties);
    return m;
  }

  /** The routing object Flex answers: the task as it was created, in epoch seconds. */
  private Map<String, Object> routing(Task t) {
    Map<String, Object> routing = new LinkedHashMap<>();
    routing.put("reservation", null);
    if (t == null) {
      routing.put("properties", null);
      return routing;
    }
    Workflow wf = t.workflowSid == null ? null : state.workflows.get(t.workflowSid);
    long now = Instant.now().getEpochSecond();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("date_updated", t.dateUpdated.getEpochSecond());
    p.put("task_queue_entered_date", t.queueEnteredDate.getEpochSecond());
    p.put("workflow_name", wf == null ? null : wf.friendlyName);
    p.put("age_in_queue", now - t.queueEnteredDate.getEpochSecond());
    p.put("task_channel_unique_name", t.taskChannelUniqueName);
    p.put("assignment_status", t.status);
    p.put("queue_name", SimState.DEFAULT_QUEUE_NAME);
    p.put("assignmentCounter", 0);
    p.put("priority", t.priority);
    p.put("sid", t.sid);
    p.put("workflow_sid", t.workflowSid);
    p.put("routing_target", t.routingTarget);
    p.put("reason", t.reason == null ? "" : t.reason);
    p.put("attributes", t.attributes);
    p.put("task_channel_sid", state.taskChannelSid(t.taskChannelUniqueName));
    p.put("age", Duration.between(t.dateCreated, Instant.now()).toSeconds());
    p.put("workspace_sid", state.workspace.sid);
    p.put("account_sid", SimState.ACCOUNT);
    p.put("timeout", t.timeout);
    p.put("date_created", t.dateCreated.getEpochSecond());
    p.put("addons", "{}");
    p.put("queue_sid", t.taskQueueSid);
    routing.put("properties", p);
    return routing;
  }
}
