package io.flexorchestrator.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.StartEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Counts interaction lifecycles started and ended, by outcome:
 * {@code orchestrator.interactions.started} and {@code orchestrator.interactions.ended} (tags
 * {@code outcome} = the instance's {@code outcome} variable, {@code mode} = {@code routingMode}).
 *
 * <p>Fed by the execution events the Camunda Spring Boot starter publishes
 * ({@code camunda.bpm.eventing.execution}, on by default): the start event and the end events
 * directly under the process. A count is taken only when the engine's transaction commits, so a
 * start or an ending rolled back (and retried) is counted once. An instance deleted through the API
 * (no end event reached) is not counted as ended.
 */
@Component
public class InteractionMetrics {

  static final String PROCESS_KEY = "interaction-lifecycle";
  public static final String STARTED = "orchestrator.interactions.started";
  public static final String ENDED = "orchestrator.interactions.ended";

  private final MeterRegistry meters;
  private final Counter started;

  public InteractionMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.started = Counter.builder(STARTED)
        .description("Interaction lifecycle instances started (first customer message of a conversation)")
        .register(meters);
  }

  @EventListener
  public void onExecution(DelegateExecution execution) {
    String definition = execution.getProcessDefinitionId();
    if (definition == null || !definition.startsWith(PROCESS_KEY + ":")) {
      return;
    }
    String event = execution.getEventName();
    if (!ExecutionListener.EVENTNAME_START.equals(event) && !ExecutionListener.EVENTNAME_END.equals(event)) {
      return;
    }
    FlowElement element = execution.getBpmnModelElementInstance();
    if (element == null || !(element.getParentElement() instanceof Process)) {
      return;
    }
    if (element instanceof StartEvent && ExecutionListener.EVENTNAME_START.equals(event)) {
      afterCommit("start:" + execution.getProcessInstanceId(), started::increment);
    } else if (element instanceof EndEvent && ExecutionListener.EVENTNAME_END.equals(event)) {
      Counter ended = Counter.builder(ENDED)
          .description("Interaction lifecycle instances ended, by outcome and routing mode")
          .tag("outcome", tag(execution.getVariable("outcome")))
          .tag("mode", tag(execution.getVariable("routingMode")))
          .register(meters);
      afterCommit("end:" + execution.getProcessInstanceId(), ended::increment);
    }
  }

  private static String tag(Object value) {
    return value == null || value.toString().isBlank() ? "none" : value.toString();
  }

  /**
   * Counts once per key and transaction, after the commit: the starter publishes the same execution
   * at an activity's event and, for the start and end events, again at the process's own event.
   */
  private static void afterCommit(String key, Runnable count) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      count.run();
      return;
    }
    @SuppressWarnings("unchecked")
    Set<String> counted = (Set<String>) TransactionSynchronizationManager.getResource(InteractionMetrics.class);
    if (counted == null) {
      Set<String> keys = new HashSet<>();
      counted = keys;
      TransactionSynchronizationManager.bindResource(InteractionMetrics.class, keys);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(InteractionMetrics.class);
        }
      });
    }
    if (counted.add(key)) {
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCommit() {
          count.run();
        }
      });
    }
  }
}
