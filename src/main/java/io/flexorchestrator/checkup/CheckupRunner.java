package io.flexorchestrator.checkup;

import io.flexorchestrator.lifecycle.ConversationGuard;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts {@code system-checkup}: every {@code orchestrator.checkup.interval} (default PT5M) and on
 * {@code POST /api/checkup}. One run at a time across the cluster: the start happens under a row
 * lock (the conversation guard's table, key {@value #GUARD_KEY}), a running checkup is joined
 * instead of started twice, and a scheduled start is skipped when any node started one within the
 * interval. Scheduled here rather than with a timer start event so that the interval is an
 * ordinary setting (a timer start event's cycle is fixed when the model is deployed, and an
 * unchanged model is never redeployed).
 */
@Component
public class CheckupRunner {

  public static final String PROCESS_KEY = "system-checkup";
  static final String GUARD_KEY = "system-checkup";
  private static final Logger log = LoggerFactory.getLogger(CheckupRunner.class);

  private final RuntimeService runtime;
  private final HistoryService history;
  private final ConversationGuard guard;
  private final CheckupProperties properties;
  private final TransactionTemplate tx;

  public CheckupRunner(RuntimeService runtime, HistoryService history, ConversationGuard guard,
      CheckupProperties properties, PlatformTransactionManager transactionManager) {
    this.runtime = runtime;
    this.history = history;
    this.guard = guard;
    this.properties = properties;
    this.tx = new TransactionTemplate(transactionManager);
  }

  @Scheduled(fixedDelayString = "${orchestrator.checkup.interval:PT5M}",
      initialDelayString = "${orchestrator.checkup.interval:PT5M}")
  public void scheduled() {
    if (!properties.isEnabled()) {
      return;
    }
    try {
      start("schedule", true).ifPresent(id -> log.info("System checkup {} started", id));
    } catch (RuntimeException e) {
      log.warn("Could not start the system checkup: {}", e.toString());
    }
  }

  /**
   * Starts a run, or returns the running one. A scheduled start returns empty when a run started
   * within the interval (on any node).
   */
  public Optional<String> start(String trigger, boolean scheduled) {
    return Optional.ofNullable(tx.execute(status -> {
      guard.lock(GUARD_KEY);
      List<ProcessInstance> running = runtime.createProcessInstanceQuery()
          .processDefinitionKey(PROCESS_KEY).listPage(0, 1);
      if (!running.isEmpty()) {
        return scheduled ? null : running.get(0).getId();
      }
      if (scheduled) {
        List<HistoricProcessInstance> last = history.createHistoricProcessInstanceQuery()
            .processDefinitionKey(PROCESS_KEY).orderByProcessInstanceStartTime().desc().listPage(0, 1);
        Duration interval = properties.getInterval();
        if (!last.isEmpty() && last.get(0).getStartTime().toInstant()
            .isAfter(Instant.now().minus(interval.minus(interval.dividedBy(10))))) {
          return null;
        }
      }
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("trigger", trigger);
      variables.put("orphanPolicy", properties.getOrphanPolicy().name());
      variables.put("retryCycle", properties.getRetryCycle());
      return runtime.createProcessInstanceByKey(PROCESS_KEY).setVariables(variables).execute().getId();
    }));
  }

  /**
   * Runs a checkup (or joins the running one) and waits for its report, at most
   * {@code orchestrator.checkup.api-wait}. Empty when it did not finish in time.
   */
  public Map<String, Object> runAndWait() {
    String id = start("api", false).orElseThrow();
    Instant deadline = Instant.now().plus(properties.getApiWait());
    while (Instant.now().isBefore(deadline)) {
      Optional<Map<String, Object>> report = report(id);
      if (report.isPresent()) {
        return report.get();
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Map<String, Object> running = new LinkedHashMap<>();
    running.put("processInstanceId", id);
    running.put("status", "running");
    return running;
  }

  /** The report of a finished run. */
  public Optional<Map<String, Object>> report(String processInstanceId) {
    HistoricProcessInstance instance = history.createHistoricProcessInstanceQuery()
        .processInstanceId(processInstanceId).singleResult();
    if (instance == null || instance.getEndTime() == null) {
      return Optional.empty();
    }
    HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId).variableName(CheckupReport.VARIABLE).singleResult();
    Map<String, Object> report = variable == null ? null : CheckupReport.read(variable.getTypedValue());
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("processInstanceId", processInstanceId);
    answer.put("status", "COMPLETED".equals(instance.getState()) ? "completed" : instance.getState().toLowerCase());
    if (report != null) {
      report.remove("processInstanceId");
      report.remove("counts");
      answer.putAll(report);
    }
    return Optional.of(answer);
  }
}
