package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Reservation;
import io.flexorchestrator.simulator.SimModel.Task;
import io.flexorchestrator.simulator.SimModel.Worker;
import io.flexorchestrator.simulator.SimModel.Workflow;
import io.flexorchestrator.simulator.SimModel.Workspace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Twilio TaskRouter v1: the workspace, workflows, workers, tasks and reservations. */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class TaskRouterApi implements SimApi {

  static final String BASE = "https://taskrouter.twilio.com/v1";

  private final SimState state;
  private final TaskEngine engine;

  public TaskRouterApi(SimState state, TaskEngine engine) {
    this.state = state;
    this.engine = engine;
  }

  @Override
  public String product() {
    return "taskrouter";
  }

  @Override
  public SimResponse handle(SimRequest r) {
    if (r.size() < 2 || !"Workspaces".equals(r.seg(0)) || !state.workspace.sid.equals(r.seg(1))) {
      throw SimError.notFound(r.path());
    }
    if (r.size() == 2) {
      if (r.method().equals("POST")) {
        updateWorkspace(r);
      } else if (!r.method().equals("GET")) {
        throw new SimError(403, 20403, "The sandbox workspace cannot be deleted");
      }
      return SimResponse.ok(workspace());
    }
    return switch (r.seg(2)) {
      case "Tasks" -> tasks(r);
      case "Workflows" -> workflows(r);
      case "Workers" -> workers(r);
      default -> throw SimError.notFound(r.path());
    };
  }

  private void updateWorkspace(SimRequest r) {
    Workspace ws = state.workspace;
    if (r.has("EventCallbackUrl")) {
      String url = r.param("EventCallbackUrl");
      ws.eventCallbackUrl = url == null || url.isBlank() ? null : url;
    }
    if (r.has("EventsFilter")) {
      String filter = r.param("EventsFilter");
      ws.eventsFilter = filter == null || filter.isBlank() ? null : filter;
    }
    if (r.has("FriendlyName")) {
      ws.friendlyName = r.param("FriendlyName");
    }
    if (r.has("MultiTaskEnabled")) {
      ws.multiTaskEnabled = Boolean.parseBoolean(r.param("MultiTaskEnabled"));
    }
    if (r.has("PrioritizeQueueOrder")) {
      ws.prioritizeQueueOrder = r.param("PrioritizeQueueOrder");
    }
    ws.dateUpdated = Instant.now();
  }

  private SimResponse tasks(SimRequest r) {
    if (r.is("GET", 3)) {
      return SimResponse.ok(Paging.page(r, "tasks", wsUrl() + "/Tasks", listTasks(r)));
    }
    if (r.is("POST", 3)) {
      String attributes = r.param("Attributes");
      if (attributes != null) {
        SimJson.object(attributes, "Attributes");
      }
      Task t = engine.create(attributes, r.param("WorkflowSid"), r.param("TaskChannel"),
          r.intParam("Priority"), r.intParam("Timeout"), r.param("TaskQueueSid"), null);
      return SimResponse.created(task(t));
    }
    Task t = engine.require(r.seg(3));
    if (r.size() == 4) {
      switch (r.method()) {
        case "GET":
          return SimResponse.ok(task(t));
        case "POST":
          updateTask(t, r);
          return SimResponse.ok(task(t));
        case "DELETE":
          engine.delete(t, false);
          return SimResponse.noContent();
        default:
          throw SimError.notFound(r.path());
      }
    }
    if (!"Reservations".equals(r.seg(4))) {
      throw SimError.notFound(r.path());
    }
    if (r.is("GET", 5)) {
      String status = r.param("ReservationStatus");
      String worker = r.param("WorkerSid");
      List<Map<String, Object>> items = t.reservations.values().stream()
          .filter(x -> status == null || status.equals(x.status))
          .filter(x -> worker == null || worker.equals(x.workerSid))
          .map(this::reservation).toList();
      return SimResponse.ok(Paging.page(r, "reservations", wsUrl() + "/Tasks/" + t.sid
          + "/Reservations", items));
    }
    Reservation res = t.reservations.get(r.seg(5));
    if (res == null || r.size() != 6) {
      throw SimError.notFound(r.path());
    }
    if (r.method().equals("POST") && r.has("ReservationStatus")) {
      if (res != t.activeReservation()) {
        throw SimError.invalid("Reservation " + res.sid + " is " + res.status);
      }
      switch (r.param("ReservationStatus")) {
        case "accepted" -> engine.accept(t, res.workerSid);
        case "rejected" -> engine.reject(t);
        case "wrapping" -> engine.wrapup(t, null);
        case "completed" -> engine.complete(t, null);
        case "timeout" -> engine.reservationTimeout(t);
        default -> throw SimError.invalid("Unsupported ReservationStatus "
            + r.param("ReservationStatus"));
      }
    }
    return SimResponse.ok(reservation(res));
  }

  private List<Map<String, Object>> listTasks(SimRequest r) {
    List<String> statuses = new ArrayList<>();
    r.all("AssignmentStatus").forEach(v -> statuses.addAll(List.of(v.split(","))));
    Predicate<Map<String, Object>> expression = r.param("EvaluateTaskAttributes") == null
        ? a -> true : TaskExpression.parse(r.param("EvaluateTaskAttributes"));
    String workflowSid = r.param("WorkflowSid");
    String workflowName = r.param("WorkflowName");
    String queueSid = r.param("TaskQueueSid");
    Integer priority = r.intParam("Priority");
    Stream<Task> stream = state.tasks.values().stream()
        .filter(t -> statuses.isEmpty() || statuses.stream().anyMatch(s -> s.trim().equals(t.status)))
        .filter(t -> workflowSid == null || workflowSid.equals(t.workflowSid))
        .filter(t -> workflowName == null || (t.workflowSid != null
            && state.workflows.containsKey(t.workflowSid)
            && workflowName.equals(state.workflows.get(t.workflowSid).friendlyName)))
        .filter(t -> queueSid == null || queueSid.equals(t.taskQueueSid))
        .filter(t -> priority == null || priority == t.priority)
        .filter(t -> expression.test(SimJson.lenientObject(t.attributes)));
    String ordering = r.param("Ordering");
    if (ordering != null && ordering.startsWith("DateCreated:desc")) {
      stream = stream.sorted(Comparator.comparing((Task t) -> t.dateCreated).reversed());
    } else if (ordering != null && ordering.startsWith("Priority")) {
      Comparator<Task> byPriority = Comparator.comparingInt(t -> t.priority);
      stream = stream.sorted(ordering.contains("desc") ? byPriority.reversed() : byPriority);
    }
    return stream.map(this::task).toList();
  }

  private void updateTask(Task t, SimRequest r) {
    if (r.has("Attributes")) {
      engine.updateAttributes(t, r.param("Attributes"));
    }
    if (r.has("Priority")) {
      t.priority = r.intParam("Priority");
    }
    if (r.has("AssignmentStatus")) {
      String reason = r.param("Reason");
      switch (r.param("AssignmentStatus")) {
        case "canceled" -> engine.cancel(t, reason);
        case "completed" -> engine.complete(t, reason);
        case "wrapping" -> engine.wrapup(t, reason);
        default -> throw SimError.invalid("Invalid AssignmentStatus transition to "
            + r.param("AssignmentStatus") + " from " + t.status);
      }
    }
  }

  private SimResponse workflows(SimRequest r) {
    if (r.is("GET", 3)) {
      String name = r.param("FriendlyName");
      List<Map<String, Object>> items = state.workflows.values().stream()
          .filter(w -> name == null || name.equals(w.friendlyName)).map(this::workflow).toList();
      return SimResponse.ok(Paging.page(r, "workflows", wsUrl() + "/Workflows", items));
    }
    if (r.is("POST", 3)) {
      Workflow w = new Workflow();
      w.sid = Sids.next("WW");
      applyWorkflow(w, r);
      state.workflows.put(w.sid, w);
      return SimResponse.created(workflow(w));
    }
    Workflow w = state.workflows.get(r.seg(3));
    if (w == null || r.size() != 4) {
      throw SimError.notFound(r.path());
    }
    switch (r.method()) {
      case "GET":
        return SimResponse.ok(workflow(w));
      case "POST":
        applyWorkflow(w, r);
        w.dateUpdated = Instant.now();
        return SimResponse.ok(workflow(w));
      case "DELETE":
        boolean inUse = state.tasks.values().stream().anyMatch(t -> t.open() && w.sid.equals(t.workflowSid));
        if (inUse) {
          throw new SimError(400, 20001, "Workflow " + w.sid + " has open tasks");
        }
        state.workflows.remove(w.sid);
        return SimResponse.noContent();
      default:
        throw SimError.notFound(r.path());
    }
  }

  private static void applyWorkflow(Workflow w, SimRequest r) {
    if (r.has("FriendlyName")) {
      w.friendlyName = r.param("FriendlyName");
    }
    if (r.has("Configuration")) {
      SimJson.object(r.param("Configuration"), "Configuration");
      w.configuration = r.param("Configuration");
    }
    if (r.has("AssignmentCallbackUrl")) {
      w.assignmentCallbackUrl = r.param("AssignmentCallbackUrl");
    }
    if (r.has("FallbackAssignmentCallbackUrl")) {
      w.fallbackAssignmentCallbackUrl = r.param("FallbackAssignmentCallbackUrl");
    }
    if (r.has("TaskReservationTimeout")) {
      w.taskReservationTimeout = r.intParam("TaskReservationTimeout");
    }
  }

  private SimResponse workers(SimRequest r) {
    if (r.is("GET", 3)) {
      String available = r.param("Available");
      String name = r.param("FriendlyName");
      List<Map<String, Object>> items = state.workers.values().stream()
          .filter(w -> available == null || Boolean.parseBoolean(available) == w.available
              || ("1".equals(available) && w.available))
          .filter(w -> name == null || name.equals(w.friendlyName))
          .map(this::worker).toList();
      return SimResponse.ok(Paging.page(r, "workers", wsUrl() + "/Workers", items));
    }
    Worker w = state.workers.get(r.seg(3));
    if (w == null || r.size() != 4) {
      throw SimError.notFound(r.path());
    }
    if (r.method().equals("POST")) {
      if (r.has("Attributes")) {
        SimJson.object(r.param("Attributes"), "Attributes");
        w.attributes = r.param("Attributes");
      }
      if (r.has("FriendlyName")) {
        w.friendlyName = r.param("FriendlyName");
      }
      w.dateUpdated = Instant.now();
    } else if (!r.method().equals("GET")) {
      throw new SimError(403, 20403, "The sandbox's virtual workers cannot be deleted");
    }
    return SimResponse.ok(worker(w));
  }

  // ---- rendering ----

  private String wsUrl() {
    return BASE + "/Workspaces/" + state.workspace.sid;
  }

  Map<String, Object> workspace() {
    Workspace ws = state.workspace;
    String url = wsUrl();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("date_created", SimJson.iso(ws.dateCreated));
    m.put("date_updated", SimJson.iso(ws.dateUpdated));
    m.put("default_activity_name", "Offline");
    m.put("default_activity_sid", ws.defaultActivitySid);
    m.put("event_callback_url", ws.eventCallbackUrl);
    m.put("events_filter", ws.eventsFilter);
    m.put("friendly_name", ws.friendlyName);
    m.put("multi_task_enabled", ws.multiTaskEnabled);
    m.put("sid", ws.sid);
    m.put("timeout_activity_name", "Offline");
    m.put("timeout_activity_sid", ws.timeoutActivitySid);
    m.put("prioritize_queue_order", ws.prioritizeQueueOrder);
    m.put("url", url);
    Map<String, Object> links = new LinkedHashMap<>();
    for (String l : List.of("tasks", "workflows", "workers", "task_queues", "task_channels",
        "activities", "events", "statistics")) {
      links.put(l, url + "/" + camel(l));
    }
    m.put("links", links);
    return m;
  }

  private static String camel(String link) {
    StringBuilder sb = new StringBuilder();
    for (String part : link.split("_")) {
      sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return sb.toString();
  }

  Map<String, Object> task(Task t) {
    String url = wsUrl() + "/Tasks/" + t.sid;
    Workflow wf = t.workflowSid == null ? null : state.workflows.get(t.workflowSid);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("age", Duration.between(t.dateCreated, Instant.now()).toSeconds());
    m.put("assignment_status", t.status);
    m.put("attributes", t.attributes);
    m.put("addons", "{}");
    m.put("date_created", SimJson.iso(t.dateCreated));
    m.put("date_updated", SimJson.iso(t.dateUpdated));
    m.put("task_queue_entered_date", SimJson.iso(t.queueEnteredDate));
    m.put("priority", t.priority);
    m.put("reason", t.reason);
    m.put("sid", t.sid);
    m.put("task_queue_sid", t.taskQueueSid);
    m.put("task_queue_friendly_name", SimState.DEFAULT_QUEUE_SID.equals(t.taskQueueSid)
        ? SimState.DEFAULT_QUEUE_NAME : null);
    m.put("task_channel_sid", state.taskChannelSid(t.taskChannelUniqueName));
    m.put("task_channel_unique_name", t.taskChannelUniqueName);
    m.put("timeout", t.timeout);
    m.put("workflow_sid", t.workflowSid);
    m.put("workflow_friendly_name", wf == null ? null : wf.friendlyName);
    m.put("workspace_sid", state.workspace.sid);
    m.put("url", url);
    Map<String, Object> links = new LinkedHashMap<>();
    links.put("task_queue", wsUrl() + "/TaskQueues/" + t.taskQueueSid);
    if (t.workflowSid != null) {
      links.put("workflow", wsUrl() + "/Workflows/" + t.workflowSid);
    }
    links.put("workspace", wsUrl());
    links.put("reservations", url + "/Reservations");
    m.put("links", links);
    m.put("virtual_start_time", SimJson.iso(t.dateCreated));
    m.put("ignore_capacity", false);
    m.put("routing_target", t.routingTarget);
    return m;
  }

  Map<String, Object> reservation(Reservation res) {
    Worker w = state.workers.get(res.workerSid);
    String url = wsUrl() + "/Tasks/" + res.taskSid + "/Reservations/" + res.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("date_created", SimJson.iso(res.dateCreated));
    m.put("date_updated", SimJson.iso(res.dateUpdated));
    m.put("reservation_status", res.status);
    m.put("sid", res.sid);
    m.put("task_sid", res.taskSid);
    m.put("worker_name", w == null ? null : w.friendlyName);
    m.put("worker_sid", res.workerSid);
    m.put("workspace_sid", state.workspace.sid);
    m.put("url", url);
    m.put("links", Map.of("task", wsUrl() + "/Tasks/" + res.taskSid, "worker",
        wsUrl() + "/Workers/" + res.workerSid, "workspace", wsUrl()));
    return m;
  }

  Map<String, Object> workflow(Workflow w) {
    String url = wsUrl() + "/Workflows/" + w.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("assignment_callback_url", w.assignmentCallbackUrl);
    m.put("configuration", w.configuration);
    m.put("date_created", SimJson.iso(w.dateCreated));
    m.put("date_updated", SimJson.iso(w.dateUpdated));
    m.put("document_content_type", "application/json");
    m.put("fallback_assignment_callback_url", w.fallbackAssignmentCallbackUrl);
    m.put("friendly_name", w.friendlyName);
    m.put("sid", w.sid);
    m.put("task_reservation_timeout", w.taskReservationTimeout);
    m.put("workspace_sid", state.workspace.sid);
    m.put("url", url);
    m.put("links", Map.of("statistics", url + "/Statistics", "real_time_statistics",
        url + "/RealTimeStatistics", "cumulative_statistics", url + "/CumulativeStatistics"));
    return m;
  }

  Map<String, Object> worker(Worker w) {
    String url = wsUrl() + "/Workers/" + w.sid;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("account_sid", SimState.ACCOUNT);
    m.put("activity_name", w.activityName);
    m.put("activity_sid", w.activitySid);
    m.put("attributes", w.attributes);
    m.put("available", w.available);
    m.put("date_created", SimJson.iso(w.dateCreated));
    m.put("date_status_changed", SimJson.iso(w.dateUpdated));
    m.put("date_updated", SimJson.iso(w.dateUpdated));
    m.put("friendly_name", w.friendlyName);
    m.put("sid", w.sid);
    m.put("workspace_sid", state.workspace.sid);
    m.put("url", url);
    m.put("links", Map.of("channels", url + "/Channels", "reservations", url + "/Reservations",
        "workspace", wsUrl()));
    return m;
  }
}
