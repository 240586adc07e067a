package io.flexorchestrator.lifecycle;

import static io.flexorchestrator.lifecycle.LifecycleMessages.PROCESS_KEY;

import java.util.HashSet;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * When an {@code interaction-lifecycle} instance reaches one of its end events, the agent
 * operations still running for its conversation ({@code transfer-interaction},
 * {@code park-interaction}) end too, in the same transaction, through their modeled
 * {@code InteractionEnded} event sub-process (e.g. a transfer pending when the task is deleted:
 * nobody would ever correlate its invite's events again).
 *
 * <p>Fed by the execution events the Camunda Spring Boot starter publishes, as
 * {@code monitoring.InteractionMetrics}. The starter publishes an end event twice (activity and
 * process) in the same transaction, where a query still finds the subscriptions the first
 * correlation consumed: so once per instance and transaction.
 */
@Component
public class LifecycleEndedListener {

  private final LifecycleApplier applier;

  public LifecycleEndedListener(LifecycleApplier applier) {
    this.applier = applier;
  }

  @EventListener
  public void onExecution(DelegateExecution execution) {
    String definition = execution.getProcessDefinitionId();
    if (definition == null || !definition.startsWith(PROCESS_KEY + ":")
        || !ExecutionListener.EVENTNAME_END.equals(execution.getEventName())) {
      return;
    }
    FlowElement element = execution.getBpmnModelElementInstance();
    if (!(element instanceof EndEvent) || !(element.getParentElement() instanceof Process)) {
      return;
    }
    String conversationSid = execution.getProcessBusinessKey();
    if (conversationSid != null && firstInTransaction(execution.getProcessInstanceId())) {
      applier.endAgentOperations(conversationSid, "lifecycle-ended:" + execution.getVariable("outcome"));
    }
  }

  private static boolean firstInTransaction(String processInstanceId) {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      return true;
    }
    @SuppressWarnings("unchecked")
    Set<String> done = (Set<String>) TransactionSynchronizationManager
        .getResource(LifecycleEndedListener.class);
    if (done == null) {
      done = new HashSet<>();
      TransactionSynchronizationManager.bindResource(LifecycleEndedListener.class, done);
      TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
        @Override
        public void afterCompletion(int status) {
          TransactionSynchronizationManager.unbindResourceIfPossible(LifecycleEndedListener.class);
        }
      });
    }
    return done.add(processInstanceId);
  }
}
