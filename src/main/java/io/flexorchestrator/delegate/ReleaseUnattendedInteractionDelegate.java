package io.flexorchestrator.delegate;

import static io.flexorchestrator.lifecycle.LifecycleMessages.AGENT_LEFT_TASK;
import static io.flexorchestrator.lifecycle.LifecycleMessages.TASK_COMPLETED;

import io.flexorchestrator.lifecycle.ConversationGuard;
import io.flexorchestrator.lifecycle.LifecycleApplier;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A transfer's invite failed or expired (no Twilio call): when the last agent has left meanwhile
 * (the lifecycle holds back their task's completion, {@code agentLeftTaskSid}) and no other invite
 * of the conversation is pending, hands that completion to the {@code interaction-lifecycle}
 * ({@code TaskCompleted}), which closes the interaction channel: only the customer is left, no
 * orphan. Otherwise nothing. Under the conversation's lock, so two transfers failing together
 * release once. Writes {@code interactionReleased}.
 */
@Component("releaseUnattendedInteraction")
public class ReleaseUnattendedInteractionDelegate implements JavaDelegate {

  private static final Logger log = LoggerFactory.getLogger(ReleaseUnattendedInteractionDelegate.class);

  private final ConversationGuard guard;
  private final LifecycleApplier lifecycles;
  private final RuntimeService runtime;

  public ReleaseUnattendedInteractionDelegate(ConversationGuard guard, LifecycleApplier lifecycles,
      RuntimeService runtime) {
    this.guard = guard;
    this.lifecycles = lifecycles;
    this.runtime = runtime;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String conversationSid = execution.getProcessBusinessKey();
    guard.lock(conversationSid);
    boolean released = false;
    String lifecycle = lifecycles.running(conversationSid);
    Object held = lifecycle == null ? null : runtime.getVariable(lifecycle, AGENT_LEFT_TASK);
    if (held != null) {
      List<ProcessInstance> otherPending = lifecycles.pendingTransfers(conversationSid).stream()
          .filter(p -> !p.getId().equals(execution.getProcessInstanceId())).toList();
      if (otherPending.isEmpty()) {
        runtime.removeVariable(lifecycle, AGENT_LEFT_TASK);
        runtime.createMessageCorrelation(TASK_COMPLETED).processInstanceId(lifecycle)
            .setVariables(Map.of("taskSid", held.toString(), "completedAt", new Date(),
                "completedWithoutAgent", true))
            .correlateWithResult();
        released = true;
        log.info("Conversation {}: no agent and no pending invite left: the interaction ends",
            conversationSid);
      }
    }
    execution.setVariable("interactionReleased", released);
  }
}
