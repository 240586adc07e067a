package io.flexorchestrator.checkup;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.AddressConfiguration;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.ParticipantConversation;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.conversations.v1.conversation.Webhook;
import com.twilio.rest.conversations.v1.service.Role;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import com.twilio.rest.taskrouter.v1.workspace.task.Reservation;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.logging.Masking;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.flexorchestrator.webhook.Inbox;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.springframework.stereotype.Component;

/**
 * The troubleshooting checklist of the Flex docs, answered from live Twilio and engine state for
 * one conversation: does it exist and in which state, which service, where its webhooks go, who is
 * in it, what the lifecycle did, the interaction channel, the task(s) and reservations, and what
 * waits in the inbox. Customer addresses are masked in every detail.
 */
@Component
public class DiagnosticsService {

  static final String AGENT_ROLE = "agent";

  private final TwilioGateway gateway;
  private final FlexProperties flex;
  private final PublicUrl publicUrl;
  private final RuntimeService runtime;
  private final HistoryService history;
  private final Inbox inbox;

  public DiagnosticsService(TwilioGateway gateway, FlexProperties flex, PublicUrl publicUrl,
      RuntimeService runtime, HistoryService history, Inbox inbox) {
    this.gateway = gateway;
    this.flex = flex;
    this.publicUrl = publicUrl;
    this.runtime = runtime;
    this.history = history;
    this.inbox = inbox;
  }

  /**
   * Empty when Twilio does not know the conversation and the engine never saw it. A Twilio read
   * that fails (429, 5xx, unreachable) fails only its own checks, with the reason; the rest of the
   * report is still answered.
   */
  public Optional<Map<String, Object>> conversation(String conversationSid) {
    TwilioRestClient client = gateway.client();
    Conversation conversation = null;
    String unreadable = null;
    try {
      conversation = Conversation.fetcher(conversationSid).fetch(client);
    } catch (RuntimeException e) {
      if (!TwilioErrors.isNotFound(e)) {
        unreadable = reason(e);
      }
    }
    HistoricProcessInstance instance = latestLifecycle(conversationSid);
    if (conversation == null && unreadable == null && instance == null) {
      return Optional.empty();
    }
    List<SetupCheck> checks = new ArrayList<>();
    Map<String, Object> vars = instance == null ? Map.of() : variables(instance.getId());
    if (unreadable != null) {
      checks.add(unreadable("conversation", unreadable));
    } else if (conversation == null) {
      checks.add(new SetupCheck("conversation", false, "Twilio does not know the conversation"
          + " (deleted); the lifecycle saw it"));
    } else {
      Conversation found = conversation;
      checks.add(new SetupCheck("conversation", conversation.getState() != Conversation.State.CLOSED,
          "exists, state " + conversation.getState() + ", created " + conversation.getDateCreated()));
      checks.add(serviceCheck(conversation));
      List<Participant> participants;
      try {
        participants = participants(client, conversationSid);
      } catch (RuntimeException e) {
        participants = null;
        String why = reason(e);
        checks.add(guarded("webhooks", () -> webhookCheck(client, found, List.of())));
        checks.add(unreadable("participants", why));
        checks.add(unreadable("agent-participants", why));
      }
      if (participants != null) {
        List<Participant> all = participants;
        checks.add(guarded("webhooks", () -> webhookCheck(client, found, all)));
        checks.add(participantsCheck(participants));
        checks.add(guarded("agent-participants", () -> agentsCheck(all, vars,
            roleNames(client, found.getChatServiceSid()))));
      }
    }
    checks.add(lifecycleCheck(instance, vars));
    checks.add(guarded("interaction", () -> interactionCheck(client, vars)));
    try {
      checks.addAll(taskChecks(client, conversationSid, instance, vars));
    } catch (RuntimeException e) {
      checks.add(unreadable("tasks", reason(e)));
      checks.add(unreadable("agent-reached", reason(e)));
    }
    checks.add(inboxCheck(conversationSid));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("conversationSid", conversationSid);
    answer.put("ok", checks.stream().allMatch(SetupCheck::ok));
    answer.put("checks", checks.stream().map(SetupCheck::toJson).toList());
    return Optional.of(answer);
  }

  /** The conversations of a customer address (ParticipantConversations), each diagnosed. */
  public Map<String, Object> address(String address) {
    TwilioRestClient client = gateway.client();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("address", Masking.mask(address));
    Set<String> sids = new LinkedHashSet<>();
    try {
      for (ParticipantConversation pc : ParticipantConversation.reader().setAddress(address)
          .setPageSize(50L).firstPage(client).getRecords()) {
        sids.add(pc.getConversationSid());
      }
    } catch (RuntimeException e) {
      answer.put("ok", false);
      answer.put("checks", List.of(unreadable("participant-conversations", reason(e)).toJson()));
    }
    List<Map<String, Object>> conversations = new ArrayList<>();
    for (String sid : sids) {
      conversation(sid).ifPresent(conversations::add);
    }
    answer.put("conversations", conversations);
    return answer;
  }

  /** A check that needs Twilio: when the read fails, the check fails with the reason. */
  private static SetupCheck guarded(String name, java.util.function.Supplier<SetupCheck> check) {
    try {
      return check.get();
    } catch (RuntimeException e) {
      return unreadable(name, reason(e));
    }
  }

  private static SetupCheck unreadable(String name, String reason) {
    return new SetupCheck(name, false, "could not be read from Twilio: " + reason
        + " (the other checks are answered; try again)");
  }

  static String reason(RuntimeException e) {
    return TwilioErrors.describe(e);
  }

  private SetupCheck serviceCheck(Conversation conversation) {
    boolean flexService = conversation.getChatServiceSid() != null
        && conversation.getChatServiceSid().equals(flex.chatServiceSid());
    return new SetupCheck("service", flexService, flexService
        ? "in the Flex Chat Service " + conversation.getChatServiceSid()
        : "in service " + conversation.getChatServiceSid() + ", not the Flex Chat Service "
            + flex.chatServiceSid() + ": the orchestrator ignores it (is the Flex Chat Service the"
            + " default Conversations service? see /actuator/health)");
  }

  private SetupCheck webhookCheck(TwilioRestClient client, Conversation conversation,
      List<Participant> participants) {
    String target = publicUrl.of("/webhooks/conversations");
    List<String> scoped = new ArrayList<>();
    for (Webhook hook : Webhook.reader(conversation.getSid()).read(client)) {
      Object url = hook.getConfiguration() instanceof Map<?, ?> c ? c.get("url") : null;
      scoped.add(hook.getTarget() + (url == null ? "" : " " + url));
    }
    boolean scopedHere = scoped.stream().anyMatch(s -> s.contains(target));
    String serviceTarget = null;
    try {
      var service = com.twilio.rest.conversations.v1.service.configuration.Webhook
          .fetcher(conversation.getChatServiceSid()).fetch(client);
      serviceTarget = service.getPostWebhookUrl() == null ? null : service.getPostWebhookUrl().toString();
    } catch (RuntimeException e) {
      // unknown service: reported by the service check
    }
    boolean serviceHere = target.equals(serviceTarget);
    String addressNote = addressNote(client, participants);
    boolean ok = scopedHere || serviceHere;
    return new SetupCheck("webhooks", ok, (scoped.isEmpty() ? "no conversation-scoped webhook"
        : "scoped webhooks: " + scoped) + "; service post-event webhook: " + serviceTarget
        + (addressNote == null ? "" : "; " + addressNote)
        + (ok ? "" : ": the orchestrator never hears of this conversation (orphan);"
            + " POST /api/setup fixes the configuration, POST /api/checkup routes or closes orphans"));
  }

  private String addressNote(TwilioRestClient client, List<Participant> participants) {
    for (Participant p : participants) {
      if (p.getMessagingBinding() instanceof Map<?, ?> b && b.get("proxy_address") != null) {
        String proxy = b.get("proxy_address").toString();
        for (AddressConfiguration a : AddressConfiguration.reader().read(client)) {
          if (proxy.equals(a.getAddress()) || proxy.endsWith(":" + a.getAddress())) {
            Map<?, ?> auto = a.getAutoCreation() instanceof Map<?, ?> m ? m : Map.of();
            return "address " + Masking.mask(proxy) + " auto-creates: " + auto.get("enabled") + ", type "
                + auto.get("type") + ", target " + (auto.get("webhook_url") != null
                    ? auto.get("webhook_url") : auto.get("studio_flow_sid"));
          }
        }
        return "address " + Masking.mask(proxy) + " has no Conversations address configuration";
      }
    }
    return null;
  }

  private static SetupCheck participantsCheck(List<Participant> participants) {
    List<String> described = new ArrayList<>();
    for (int i = 0; i < participants.size(); i++) {
      Participant p = participants.get(i);
      if (p.getMessagingBinding() instanceof Map<?, ?> b && b.get("type") != null) {
        described.add("customer " + b.get("type") + " " + Masking.mask(String.valueOf(b.get("address")))
            + " via " + Masking.mask(String.valueOf(b.get("proxy_address"))));
      } else {
        described.add((i == 0 ? "customer chat identity " : "chat identity ")
            + Masking.mask(p.getIdentity()) + " (role " + p.getRoleSid() + ")");
      }
    }
    return new SetupCheck("participants", !participants.isEmpty(), participants.isEmpty()
        ? "no participants: nobody to route for"
        : participants.size() + " participant(s): " + String.join("; ", described));
  }

  /**
   * Agents must join with the service's conversation role {@value #AGENT_ROLE}: with another role
   * (e.g. the default "channel user") Flex's agent UI cannot act on the conversation.
   */
  static SetupCheck agentsCheck(List<Participant> participants, Map<String, Object> vars,
      Map<String, String> roleNames) {
    List<String> agents = new ArrayList<>();
    List<String> wrongRole = new ArrayList<>();
    for (int i = 1; i < participants.size(); i++) {
      Participant p = participants.get(i);
      if (p.getMessagingBinding() == null && p.getIdentity() != null) {
        String role = p.getRoleSid() == null ? null : roleNames.get(p.getRoleSid());
        String described = p.getIdentity() + " (role " + (role == null ? "" : "\"" + role + "\" ")
            + p.getRoleSid() + ")";
        agents.add(described);
        boolean knownOtherRole = role != null && !AGENT_ROLE.equals(role);
        boolean noRole = p.getRoleSid() == null || (!roleNames.isEmpty() && role == null);
        if (knownOtherRole || noRole) {
          wrongRole.add(described);
        }
      }
    }
    if (!wrongRole.isEmpty()) {
      return new SetupCheck("agent-participants", false, "agent participant(s) without the"
          + " conversation role \"" + AGENT_ROLE + "\": " + wrongRole + "; Flex needs agents in"
          + " the role \"" + AGENT_ROLE + "\" of the Flex Chat Service (update the participant's"
          + " RoleSid, and check who adds agents with another role)");
    }
    boolean accepted = Boolean.TRUE.equals(vars.get("agentAccepted"));
    boolean ended = vars.get("outcome") != null || vars.get("wrapupAt") != null
        || vars.get("completedAt") != null;
    boolean ok = !accepted || ended || !agents.isEmpty();
    return new SetupCheck("agent-participants", ok, agents.isEmpty()
        ? (accepted ? (ended ? "no agent in the conversation (the agent left when the task ended)"
            : "an agent accepted but no agent participant is in the conversation: Flex could not"
                + " add the agent (check the agent role's permissions and the Console debugger)")
            : "no agent yet")
        : "agent participants, each in the role \"" + AGENT_ROLE + "\": " + agents);
  }

  /** The service's role SIDs and names; empty when they cannot be read (then roles go unchecked). */
  private static Map<String, String> roleNames(TwilioRestClient client, String serviceSid) {
    Map<String, String> names = new HashMap<>();
    if (serviceSid == null) {
      return names;
    }
    try {
      for (Role role : Role.reader(serviceSid).read(client)) {
        names.put(role.getSid(), role.getFriendlyName());
      }
    } catch (RuntimeException e) {
      if (TwilioErrors.isRetryable(e)) {
        throw e;
      }
    }
    return names;
  }

  private SetupCheck lifecycleCheck(HistoricProcessInstance instance, Map<String, Object> vars) {
    if (instance == null) {
      return new SetupCheck("lifecycle", false, "no lifecycle instance: the conversation never reached"
          + " the orchestrator (orphan: no webhook or the message was lost); POST /api/checkup routes"
          + " or closes it by policy");
    }
    if (instance.getEndTime() == null) {
      List<Incident> incidents = runtime.createIncidentQuery().processInstanceId(instance.getId()).list();
      List<String> activities = runtime.getActiveActivityIds(instance.getId());
      if (!incidents.isEmpty()) {
        return new SetupCheck("lifecycle", false, "running (" + instance.getId() + ") at " + activities
            + " with " + incidents.size() + " incident(s): " + incidents.get(0).getActivityId() + ": "
            + incidents.get(0).getIncidentMessage() + " (see Cockpit)");
      }
      return new SetupCheck("lifecycle", true, "running (" + instance.getId() + ") at " + activities);
    }
    return new SetupCheck("lifecycle", true, "ended (" + instance.getId() + ") at " + instance.getEndTime()
        + " with outcome " + vars.get("outcome"));
  }

  private SetupCheck interactionCheck(TwilioRestClient client, Map<String, Object> vars) {
    String interactionSid = (String) vars.get("interactionSid");
    String channelSid = (String) vars.get("channelSid");
    if (interactionSid == null || channelSid == null) {
      return new SetupCheck("interaction", vars.isEmpty() ? false : vars.get("outcome") != null,
          "no interaction created" + (vars.get("outcome") != null ? " (lifecycle ended " + vars.get("outcome") + ")" : ""));
    }
    try {
      InteractionChannel channel = InteractionChannel.fetcher(interactionSid, channelSid).fetch(client);
      String status = String.valueOf(channel.getStatus());
      boolean ended = vars.get("outcome") != null;
      boolean ok = channel.getErrorCode() == null && (ended
          ? !"active".equalsIgnoreCase(status) || "task-deleted".equals(vars.get("outcome"))
          : !"closed".equalsIgnoreCase(status));
      return new SetupCheck("interaction", ok, "interaction " + interactionSid + ", channel " + channelSid
          + " " + status + (channel.getErrorCode() != null ? ", error " + channel.getErrorCode() + ": "
              + channel.getErrorMessage() : "")
          + (ok ? "" : ended ? ": channel left active after the lifecycle ended (the checkup closes"
              + " stale channels)" : ": channel closed while the lifecycle still runs"));
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return new SetupCheck("interaction", false, "interaction channel " + channelSid + " not found");
      }
      throw e;
    }
  }

  private List<SetupCheck> taskChecks(TwilioRestClient client, String conversationSid,
      HistoricProcessInstance instance, Map<String, Object> vars) {
    List<Task> tasks = new ArrayList<>();
    for (Task t : Task.reader(flex.workspaceSid()).setEvaluateTaskAttributes(
        "conversationSid == \"" + conversationSid + "\"").setPageSize(50L).firstPage(client).getRecords()) {
      tasks.add(t);
    }
    List<String> described = new ArrayList<>();
    boolean anyAccepted = Boolean.TRUE.equals(vars.get("agentAccepted"));
    boolean open = false;
    Task canceledUnaccepted = null;
    for (Task t : tasks) {
      List<String> reservations = new ArrayList<>();
      boolean accepted = false;
      for (Reservation r : Reservation.reader(flex.workspaceSid(), t.getSid()).read(client)) {
        reservations.add(r.getWorkerName() + " " + r.getReservationStatus());
        accepted |= "accepted".equalsIgnoreCase(String.valueOf(r.getReservationStatus()))
            || "completed".equalsIgnoreCase(String.valueOf(r.getReservationStatus()))
            || "wrapping".equalsIgnoreCase(String.valueOf(r.getReservationStatus()));
      }
      anyAccepted |= accepted;
      String status = String.valueOf(t.getAssignmentStatus()).toLowerCase();
      open |= List.of("pending", "reserved", "assigned", "wrapping").contains(status);
      if ("canceled".equals(status) && !accepted) {
        canceledUnaccepted = t;
      }
      described.add(t.getSid() + " " + status + (blank(t.getReason()) ? "" : " (" + t.getReason() + ")")
          + " in " + t.getTaskQueueFriendlyName() + ", reservations " + reservations);
    }
    List<SetupCheck> checks = new ArrayList<>();
    boolean running = instance != null && instance.getEndTime() == null;
    boolean tasksOk = tasks.isEmpty() ? !(running && vars.get("channelSid") != null) : canceledUnaccepted == null;
    checks.add(new SetupCheck("tasks", tasksOk, tasks.isEmpty()
        ? "no task at TaskRouter" + (running && vars.get("channelSid") != null
            ? " although the interaction exists: the task is gone (the checkup replays the ending)" : "")
        : String.join("; ", described) + (canceledUnaccepted != null ? ": task "
            + canceledUnaccepted.getSid() + " was canceled before any agent accepted it — creating or"
            + " routing the interaction failed (task.canceled; see the Console debugger)" : "")));
    String routing;
    boolean reached;
    if (anyAccepted) {
      reached = true;
      routing = "an agent accepted the task";
    } else if (open) {
      reached = true;
      routing = "waiting for an agent";
    } else if (running && vars.get("channelSid") == null) {
      reached = true;
      routing = "being routed";
    } else {
      reached = false;
      routing = "did not reach an agent" + (vars.get("outcome") != null ? " (lifecycle outcome "
          + vars.get("outcome") + ")" : instance == null ? " (never routed)" : "");
    }
    checks.add(new SetupCheck("agent-reached", reached, routing));
    return checks;
  }

  private SetupCheck inboxCheck(String conversationSid) {
    List<Map<String, Object>> pending = inbox.list(Inbox.Status.PENDING, conversationSid, 20);
    List<Map<String, Object>> dead = inbox.list(Inbox.Status.DEAD, conversationSid, 20);
    List<String> described = new ArrayList<>();
    pending.forEach(e -> described.add("pending " + e.get("event_type")
        + (e.get("last_error") == null ? "" : " (" + e.get("last_error") + ")")));
    dead.forEach(e -> described.add("dead-lettered " + e.get("event_type")
        + (e.get("last_error") == null ? "" : " (" + e.get("last_error") + ")")));
    return new SetupCheck("inbox", pending.isEmpty() && dead.isEmpty(), described.isEmpty()
        ? "no webhook events waiting or dead-lettered"
        : String.join("; ", described));
  }

  private HistoricProcessInstance latestLifecycle(String conversationSid) {
    List<HistoricProcessInstance> list = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(LifecycleMessages.PROCESS_KEY).processInstanceBusinessKey(conversationSid)
        .orderByProcessInstanceStartTime().desc().listPage(0, 1);
    return list.isEmpty() ? null : list.get(0);
  }

  private Map<String, Object> variables(String processInstanceId) {
    Map<String, Object> vars = new HashMap<>();
    for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId).list()) {
      if (v.getValue() != null) {
        vars.put(v.getName(), v.getValue());
      }
    }
    return vars;
  }

  private static List<Participant> participants(TwilioRestClient client, String conversationSid) {
    List<Participant> list = new ArrayList<>(Participant.reader(conversationSid).setPageSize(50L)
        .firstPage(client).getRecords());
    list.sort(java.util.Comparator.comparing(Participant::getDateCreated,
        java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())));
    return list;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
