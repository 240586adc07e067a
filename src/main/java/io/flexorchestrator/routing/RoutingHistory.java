package io.flexorchestrator.routing;

import io.flexorchestrator.lifecycle.LifecycleMessages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.springframework.stereotype.Component;

/**
 * The routing records ({@link RoutingRecord}) of the lifecycles that started in a time window,
 * newest first, read from the engine's history (kept for the models' {@code historyTimeToLive},
 * 30 days).
 */
@Component
public class RoutingHistory {

  private static final int BATCH = 500;

  /** A lifecycle that went through routing, with what was recorded then. */
  public record Routed(String conversationSid, Date startTime, RoutingRecord record) {}

  /**
   * The window's lifecycles: {@code routed} those with a record (at most {@code max}, newest first),
   * {@code lifecycles} how many started in it (also those that never reached routing: ended before,
   * outbound, started before routing was recorded), {@code truncated} when more lifecycles started
   * in the window than were read.
   */
  public record Window(List<Routed> routed, int lifecycles, boolean truncated) {}

  private final HistoryService history;

  public RoutingHistory(HistoryService history) {
    this.history = history;
  }

  public Window since(Instant since, int max) {
    List<HistoricProcessInstance> instances = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(LifecycleMessages.PROCESS_KEY).startedAfter(Date.from(since))
        .orderByProcessInstanceStartTime().desc().listPage(0, max + 1);
    boolean truncated = instances.size() > max;
    if (truncated) {
      instances = instances.subList(0, max);
    }
    Map<String, RoutingRecord> records = new HashMap<>();
    for (int from = 0; from < instances.size(); from += BATCH) {
      String[] ids = instances.subList(from, Math.min(instances.size(), from + BATCH)).stream()
          .map(HistoricProcessInstance::getId).toArray(String[]::new);
      for (HistoricVariableInstance variable : history.createHistoricVariableInstanceQuery()
          .variableName(RoutingRecord.VARIABLE).processInstanceIdIn(ids)
          .disableCustomObjectDeserialization().list()) {
        RoutingRecord record = RoutingRecord.fromJson(variable.getValue());
        if (record != null) {
          records.put(variable.getProcessInstanceId(), record);
        }
      }
    }
    List<Routed> routed = new ArrayList<>();
    for (HistoricProcessInstance instance : instances) {
      RoutingRecord record = records.get(instance.getId());
      if (record != null) {
        routed.add(new Routed(instance.getBusinessKey(), instance.getStartTime(), record));
      }
    }
    return new Window(routed, instances.size(), truncated);
  }
}
