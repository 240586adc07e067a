package io.flexorchestrator.operations;

import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.webhook.Sids;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * One interaction as operators and agents' tools see it (contract: {@code GET
 * /api/interactions/{CH}}): the latest lifecycle of the conversation, its SIDs, the tasks seen,
 * its state and a timeline merging the lifecycle's steps with the webhook events received.
 */
@Component
public class InteractionView {

  private final HistoryService history;
  private final RuntimeService runtime;
  private final JdbcTemplate jdbc;

  public InteractionView(HistoryService history, RuntimeService runtime, JdbcTemplate jdbc) {
    this.history = history;
    this.runtime = runtime;
    this.jdbc = jdbc;
  }

  public Map<String, Object> of(String conversationSid) {
    if (!Sids.is(conversationSid, "CH")) {
      throw ApiError.badRequest("conversationSid must be a CH… SID");
    }
    List<HistoricProcessInstance> instances = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(LifecycleMessages.PROCESS_KEY)
        .processInstanceBusinessKey(conversationSid)
        .orderByProcessInstanceStartTime().desc()
        .listPage(0, 1);
    if (instances.isEmpty()) {
      throw ApiError.notFound("no interaction for conversation " + conversationSid);
    }
    HistoricProcessInstance instance = instances.get(0);
    Map<String, Object> variables = new LinkedHashMap<>();
    for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery()
        .processInstanceId(instance.getId()).list()) {
      variables.put(variable.getName(), variable.getValue());
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("conversationSid", conversationSid);
    view.put("interactionSid", variables.get("interactionSid"));
    view.put("channelSid", variables.get("channelSid"));
    view.put("processInstanceId", instance.getId());
    view.put("tasks", tasks(conversationSid, instance.getStartTime()));
    view.put("state", state(instance, variables));
    view.put("workerSid", variables.get("workerSid"));
    view.put("timeline", timeline(conversationSid, instance));
    return view;
  }

  private String state(HistoricProcessInstance instance, Map<String, Object> variables) {
    if (instance.getEndTime() == null) {
      List<String> activities = runtime.getActiveActivityIds(instance.getId());
      return activities.isEmpty() ? "running" : "running: " + String.join(", ", activities);
    }
    Object outcome = variables.get("outcome");
    return outcome != null ? outcome.toString() : "ended";
  }

  private List<Map<String, Object>> tasks(String conversationSid, Date since) {
    List<Map<String, Object>> tasks = new ArrayList<>();
    jdbc.query("SELECT task_sid, MAX(received_at) AS last_at FROM webhook_inbox"
        + " WHERE conversation_sid = ? AND task_sid IS NOT NULL AND received_at >= ?"
        + " GROUP BY task_sid ORDER BY MIN(received_at)", rs -> {
          String taskSid = rs.getString("task_sid");
          Map<String, Object> task = new LinkedHashMap<>();
          task.put("taskSid", taskSid);
          task.put("lastEvent", jdbc.queryForObject("SELECT event_type FROM webhook_inbox"
              + " WHERE task_sid = ? ORDER BY received_at DESC, id DESC FETCH FIRST 1 ROWS ONLY",
              String.class, taskSid));
          task.put("lastEventAt", rs.getTimestamp("last_at").toInstant().toString());
          tasks.add(task);
        }, conversationSid, new java.sql.Timestamp(since.getTime() - 60_000));
    return tasks;
  }

  private List<Map<String, Object>> timeline(String conversationSid, HistoricProcessInstance instance) {
    List<Map<String, Object>> timeline = new ArrayList<>();
    for (HistoricActivityInstance activity : history.createHistoricActivityInstanceQuery()
        .processInstanceId(instance.getId()).orderByHistoricActivityInstanceStartTime().asc().list()) {
      if (activity.getActivityName() != null && !activity.getActivityType().contains("Gateway")) {
        timeline.add(entry(activity.getStartTime(), activity.getActivityName()));
      }
    }
    jdbc.query("SELECT event_type, status, received_at FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND received_at >= ? ORDER BY id", rs -> {
          timeline.add(entry(rs.getTimestamp("received_at"), "webhook " + rs.getString("event_type")
              + " (" + rs.getString("status").toLowerCase() + ")"));
        }, conversationSid, new java.sql.Timestamp(instance.getStartTime().getTime() - 60_000));
    timeline.sort(Comparator.comparing(e -> e.get("at").toString()));
    return timeline;
  }

  private static Map<String, Object> entry(Date at, String event) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("at", at.toInstant().toString());
    entry.put("event", event);
    return entry;
  }
}
