package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Reservation;
import io.flexorchestrator.simulator.SimModel.Task;
import io.flexorchestrator.simulator.SimModel.Worker;
import io.flexorchestrator.simulator.SimModel.Workflow;
import io.flexorchestrator.simulator.SimModel.Workspace;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** TaskRouter workspace event callbacks, with Twilio's parameter names. Called under the lock. */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class TaskRouterEvents {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final SimState state;
  private final WebhookSender sender;

  /** Set while a control action runs with {@code "webhooks": false}: the app misses its events. */
  private static final ThreadLocal<Boolean> MUTED = ThreadLocal.withInitial(() -> false);

  static <T> T muted(boolean mute, java.util.function.Supplier<T> action) {
    boolean before = MUTED.get();
    MUTED.set(mute);
    try {
      return action.get();
    } finally {
      MUTED.set(before);
    }
  }

  public TaskRouterEvents(SimState state, WebhookSender sender) {
    this.state = state;
    this.sender = sender;
  }

  void task(String eventType, Task task, String description) {
    emit(eventType, task, null, description);
  }

  void reservation(String eventType, Task task, Reservation reservation, String description) {
    emit(eventType, task, reservation, description);
  }

  private void emit(String eventType, Task task, Reservation reservation, String description) {
    Workspace ws = state.workspace;
    if (MUTED.get()) {
      return;
    }
    if (ws.eventCallbackUrl == null || ws.eventCallbackUrl.isBlank() || !wanted(ws, eventType)) {
      return;
    }
    Instant now = Instant.now();
    Map<String, String> p = new LinkedHashMap<>();
    String eventSid = Sids.next("EV");
    p.put("EventType", eventType);
    p.put("AccountSid", SimState.ACCOUNT);
    p.put("WorkspaceSid", ws.sid);
    p.put("WorkspaceName", ws.friendlyName);
    p.put("EventDescription", description);
    p.put("ResourceType", reservation != null ? "reservation" : "task");
    p.put("ResourceSid", reservation != null ? reservation.sid : task.sid);
    p.put("Sid", eventSid);
    p.put("Timestamp", Long.toString(now.getEpochSecond()));
    p.put("TimestampMs", Long.toString(now.toEpochMilli()));
    p.put("TaskSid", task.sid);
    p.put("TaskAttributes", task.attributes);
    p.put("TaskAssignmentStatus", task.status);
    p.put("TaskAge", Long.toString(Duration.between(task.dateCreated, now).toSeconds()));
    p.put("TaskPriority", Integer.toString(task.priority));
    p.put("TaskTimeout", Integer.toString(task.timeout));
    p.put("TaskChannelSid", state.taskChannelSid(task.taskChannelUniqueName));
    p.put("TaskChannelUniqueName", task.taskChannelUniqueName);
    p.put("TaskDateCreated", Long.toString(task.dateCreated.getEpochSecond()));
    if (task.taskQueueSid != null) {
      p.put("TaskQueueSid", task.taskQueueSid);
      p.put("TaskQueueName", SimState.DEFAULT_QUEUE_SID.equals(task.taskQueueSid)
          ? SimState.DEFAULT_QUEUE_NAME : task.taskQueueSid);
      p.put("TaskQueueEnteredDate", Long.toString(task.queueEnteredDate.getEpochSecond()));
    }
    if (task.workflowSid != null) {
      p.put("WorkflowSid", task.workflowSid);
      Workflow wf = state.workflows.get(task.workflowSid);
      p.put("WorkflowName", wf == null ? task.workflowSid : wf.friendlyName);
    }
    if ("task.canceled".equals(eventType)) {
      p.put("TaskCanceledReason", task.reason == null ? "" : task.reason);
    }
    if ("task.completed".equals(eventType)) {
      p.put("TaskCompletedReason", task.reason == null ? "" : task.reason);
    }
    if (reservation != null) {
      p.put("ReservationSid", reservation.sid);
      p.put("WorkerSid", reservation.workerSid);
      Worker worker = state.workers.get(reservation.workerSid);
      if (worker != null) {
        p.put("WorkerName", worker.friendlyName);
        p.put("WorkerAttributes", worker.attributes);
        p.put("WorkerActivitySid", worker.activitySid);
        p.put("WorkerActivityName", worker.activityName);
      }
      p.put("ReservationStatus", reservation.status);
    }
    String token = SimState.ACCOUNT + "-" + eventSid;
    Map<String, String> params = new LinkedHashMap<>(p);
    sender.send(ws.eventCallbackUrl, token, TIMEOUT, attempt -> params);
  }

  private static boolean wanted(Workspace ws, String eventType) {
    if (ws.eventsFilter == null || ws.eventsFilter.isBlank()) {
      return true;
    }
    return Arrays.stream(ws.eventsFilter.split(",")).map(String::trim).anyMatch(eventType::equals);
  }
}
