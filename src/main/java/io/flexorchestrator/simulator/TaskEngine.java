package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Participant;
import io.flexorchestrator.simulator.SimModel.Reservation;
import io.flexorchestrator.simulator.SimModel.Task;
import io.flexorchestrator.simulator.SimModel.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * TaskRouter's task and reservation state machine (pending, reserved, assigned, wrapping,
 * completed, canceled) with its event callbacks, plus what Flex does around it for interaction
 * tasks: the accepting agent joins the conversation, and leaves it on completion. Tasks created
 * through the Task API (custom orchestration, no interaction) get neither: Flex's orchestration is
 * off for them, their creator adds and removes the agent. Invalid
 * transitions answer 400 with code 20001, as TaskRouter does. Runs under the state lock.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class TaskEngine {

  static final String WORKFLOW_TIMEOUT_REASON = "Workflow Timeout";

  private static final Logger log = LoggerFactory.getLogger(TaskEngine.class);

  private final SimState state;
  private final TaskRouterEvents events;
  private final ConversationsEngine conversations;
  private final List<Consumer<Task>> createdHooks = new CopyOnWriteArrayList<>();

  public TaskEngine(SimState state, TaskRouterEvents events, ConversationsEngine conversations) {
    this.state = state;
    this.events = events;
    this.conversations = conversations;
  }

  void onCreated(Consumer<Task> hook) {
    createdHooks.add(hook);
  }

  Task require(String sid) {
    Task t = state.tasks.get(sid);
    if (t == null) {
      throw SimError.notFound("/Workspaces/" + state.workspace.sid + "/Tasks/" + sid);
    }
    return t;
  }

  Task create(String attributes, String workflowSid, String taskChannel, Integer priority,
      Integer timeout, String queueSid, String preferredWorkerSid) {
    Task t = new Task();
    t.sid = Sids.next("WT");
    t.attributes = attributes == null ? "{}" : attributes;
    t.workflowSid = workflowSid;
    if (workflowSid != null && !state.workflows.containsKey(workflowSid)) {
      throw SimError.notFound("/Workspaces/" + state.workspace.sid + "/Workflows/" + workflowSid);
    }
    if (workflowSid == null && queueSid == null) {
      throw SimError.invalid("A WorkflowSid or a TaskQueueSid is required to create a task");
    }
    t.taskChannelUniqueName = taskChannel == null ? "default" : taskChannel;
    state.taskChannelSid(t.taskChannelUniqueName);
    t.priority = priority == null ? 0 : priority;
    t.timeout = timeout == null ? 86400 : timeout;
    t.taskQueueSid = queueSid == null ? SimState.DEFAULT_QUEUE_SID : queueSid;
    t.preferredWorkerSid = preferredWorkerSid;
    state.tasks.put(t.sid, t);
    events.task("task.created", t, "Task " + t.sid + " created");
    createdHooks.forEach(h -> h.accept(t));
    return t;
  }

  Reservation reserve(Task t, String workerSid) {
    expect(t, "reserve", "pending");
    Worker worker = state.workers.get(workerSid);
    if (worker == null) {
      throw SimError.notFound("/Workspaces/" + state.workspace.sid + "/Workers/" + workerSid);
    }
    Reservation r = new Reservation();
    r.sid = Sids.next("WR");
    r.taskSid = t.sid;
    r.workerSid = workerSid;
    t.reservations.put(r.sid, r);
    status(t, "reserved");
    t.routingTarget = workerSid;
    events.reservation("reservation.created", t, r, "Reservation " + r.sid + " created for "
        + worker.friendlyName);
    return r;
  }

  void accept(Task t, String workerSid) {
    if ("pending".equals(t.status)) {
      reserve(t, workerSid != null ? workerSid : pickWorker(t));
    }
    expect(t, "accept", "reserved");
    Reservation r = t.activeReservation();
    r.status = "accepted";
    r.dateUpdated = Instant.now();
    status(t, "assigned");
    t.everAccepted = true;
    events.reservation("reservation.accepted", t, r, "Reservation " + r.sid + " accepted");
    joinChannel(t, r);
    if (t.interactionSid != null) {
      // Flex UI orchestration: only for tasks of the Interactions API; a task created through the
      // Task API (custom orchestration) leaves adding the agent to its creator
      joinConversation(t, r.workerSid);
    }
  }

  void reject(Task t) {
    expect(t, "reject", "reserved");
    Reservation r = t.activeReservation();
    r.status = "rejected";
    r.dateUpdated = Instant.now();
    status(t, "pending");
    events.reservation("reservation.rejected", t, r, "Reservation " + r.sid + " rejected");
  }

  void reservationTimeout(Task t) {
    expect(t, "time out the reservation of", "reserved");
    Reservation r = t.activeReservation();
    r.status = "timeout";
    r.dateUpdated = Instant.now();
    status(t, "pending");
    events.reservation("reservation.timeout", t, r, "Reservation " + r.sid + " timed out");
  }

  /**
   * TaskRouter takes the offered reservation back (e.g. the worker went offline or the task was
   * re-evaluated): reservation.rescinded, and the task waits in its queue again.
   */
  void rescindReservation(Task t) {
    expect(t, "rescind the reservation of", "reserved");
    rescind(t);
    status(t, "pending");
  }

  void wrapup(Task t, String reason) {
    expect(t, "wrap up", "assigned");
    t.reason = reason;
    status(t, "wrapping");
    events.task("task.wrapup", t, "Task " + t.sid + " wrapping up");
  }

  void complete(Task t, String reason) {
    expect(t, "complete", "assigned", "wrapping");
    Reservation r = t.activeReservation();
    if (r != null) {
      r.status = "completed";
      r.dateUpdated = Instant.now();
    }
    t.reason = reason == null ? "" : reason;
    status(t, "completed");
    events.task("task.completed", t, "Task " + t.sid + " completed");
    if (r != null && t.interactionSid != null) {
      leaveConversation(t, r.workerSid);
    }
  }

  void cancel(Task t, String reason) {
    expect(t, "cancel", "pending", "reserved");
    rescind(t);
    t.reason = reason == null ? "" : reason;
    status(t, "canceled");
    events.task("task.canceled", t, "Task " + t.sid + " canceled");
  }

  /** The workflow timed out: workflow.timeout, then task.canceled with "Workflow Timeout". */
  void workflowTimeout(Task t) {
    expect(t, "time out", "pending", "reserved");
    rescind(t);
    t.reason = WORKFLOW_TIMEOUT_REASON;
    status(t, "canceled");
    events.task("workflow.timeout", t, "Task " + t.sid + " timed out of its workflow");
    events.task("task.canceled", t, "Task " + t.sid + " canceled");
  }

  void delete(Task t, boolean bySystem) {
    state.tasks.remove(t.sid);
    Reservation r = t.activeReservation();
    if (r != null && "pending".equals(r.status)) {
      r.status = "rescinded";
    }
    events.task(bySystem ? "task.system-deleted" : "task.deleted", t,
        "Task " + t.sid + " deleted" + (bySystem ? " by the system" : ""));
  }

  /** What the Interactions API does to an open task when its channel closes. */
  void closeForChannel(Task t, boolean routingClosed) {
    switch (t.status) {
      case "pending", "reserved" -> cancel(t, "Interaction channel closed");
      case "assigned" -> {
        if (routingClosed) {
          complete(t, "Interaction channel closed");
        } else {
          wrapup(t, "Interaction channel closed");
        }
      }
      case "wrapping" -> {
        if (routingClosed) {
          complete(t, "Interaction channel closed");
        }
      }
      default -> { }
    }
  }

  void updateAttributes(Task t, String attributes) {
    SimJson.object(attributes, "Attributes");
    t.attributes = attributes;
    t.dateUpdated = Instant.now();
    events.task("task.updated", t, "Task " + t.sid + " updated");
  }

  String pickWorker(Task t) {
    Map<String, Object> attrs = SimJson.lenientObject(t.attributes);
    // the orchestrator's transfer workflow filter: agents already on the conversation are excluded
    java.util.Set<Object> excluded = attrs.get("transfer_excluded_workers") instanceof List<?> l
        ? new java.util.HashSet<>(l) : java.util.Set.of();
    for (Object candidate : new Object[] {t.preferredWorkerSid, attrs.get("known_worker_sid"),
        attrs.get("KnownAgentWorkerSid"), attrs.get("knownWorkerSid")}) {
      if (candidate instanceof String s && state.workers.containsKey(s) && !excluded.contains(s)) {
        return s;
      }
    }
    // known-agent workflow by contact_uri (see setup/known-agent-workflow.json)
    if (attrs.get("contact_uri") instanceof String uri && !uri.isBlank()) {
      for (Worker w : state.workers.values()) {
        if (uri.equals(SimJson.lenientObject(w.attributes).get("contact_uri"))) {
          return w.sid;
        }
      }
    }
    Worker best = null;
    long bestLoad = Long.MAX_VALUE;
    for (Worker w : state.workers.values()) {
      if (!w.available || excluded.contains(w.sid)) {
        continue;
      }
      long load = state.tasks.values().stream()
          .filter(x -> ("assigned".equals(x.status) || "wrapping".equals(x.status)
              || "reserved".equals(x.status)) && x.activeReservation() != null
              && w.sid.equals(x.activeReservation().workerSid))
          .count();
      if (load < bestLoad) {
        best = w;
        bestLoad = load;
      }
    }
    if (best == null) {
      throw new SimError(409, 20409, "No available worker for task " + t.sid);
    }
    return best.sid;
  }

  private void rescind(Task t) {
    Reservation r = t.activeReservation();
    if (r != null && "pending".equals(r.status)) {
      r.status = "rescinded";
      r.dateUpdated = Instant.now();
      events.reservation("reservation.rescinded", t, r, "Reservation " + r.sid + " rescinded");
    }
  }

  /** The accepting agent becomes a participant of the interaction channel, as in Flex. */
  private void joinChannel(Task t, Reservation r) {
    SimModel.Interaction i = t.interactionSid == null ? null : state.interactions.get(t.interactionSid);
    SimModel.InteractionChannel ch = i == null ? null : i.channels.get(t.channelSid);
    if (ch == null) {
      return;
    }
    SimModel.ChannelParticipant p = new SimModel.ChannelParticipant();
    p.sid = Sids.next("UT");
    p.interactionSid = ch.interactionSid;
    p.channelSid = ch.sid;
    p.type = "agent";
    p.routingProperties = new java.util.LinkedHashMap<>(Map.of("task_sid", t.sid,
        "worker_sid", r.workerSid, "reservation_sid", r.sid));
    ch.participants.put(p.sid, p);
  }

  private void joinConversation(Task t, String workerSid) {
    Conversation c = conversationOf(t);
    Worker w = state.workers.get(workerSid);
    if (c == null || w == null || !c.open()) {
      return;
    }
    boolean present = c.participants.values().stream().anyMatch(p -> w.chatIdentity.equals(p.identity));
    if (!present) {
      conversations.addParticipant(c, w.chatIdentity, null, null,
          "{\"member_type\":\"agent\"}", ConversationsEngine.ROLE_AGENT, "SDK");
    }
  }

  private void leaveConversation(Task t, String workerSid) {
    Conversation c = conversationOf(t);
    Worker w = state.workers.get(workerSid);
    if (c == null || w == null || !c.open()) {
      return;
    }
    boolean otherTask = state.tasks.values().stream().anyMatch(x -> x != t
        && ("assigned".equals(x.status) || "wrapping".equals(x.status))
        && x.activeReservation() != null && workerSid.equals(x.activeReservation().workerSid)
        && c.sid.equals(SimJson.lenientObject(x.attributes).get("conversationSid")));
    if (otherTask) {
      return;
    }
    for (Participant p : List.copyOf(c.participants.values())) {
      if (w.chatIdentity.equals(p.identity)) {
        conversations.removeParticipant(c, p, "SDK");
      }
    }
  }

  private Conversation conversationOf(Task t) {
    Object sid = SimJson.lenientObject(t.attributes).get("conversationSid");
    return sid instanceof String s ? state.conversations.get(s) : null;
  }

  private static void status(Task t, String status) {
    log.info("task {} {} -> {}", t.sid, t.status, status);
    t.status = status;
    t.dateUpdated = Instant.now();
    if ("pending".equals(status)) {
      t.routingTarget = null;
    }
  }

  private static void expect(Task t, String action, String... allowed) {
    for (String s : allowed) {
      if (s.equals(t.status)) {
        return;
      }
    }
    throw new SimError(400, 20001, "Cannot " + action + " task " + t.sid + " because it is "
        + t.status + " (allowed: " + String.join(", ", allowed) + ")");
  }
}
