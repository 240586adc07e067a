package io.flexorchestrator.lifecycle;

import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.EventSubscription;
import org.camunda.bpm.engine.runtime.Execution;

/**
 * Which messages a process instance waits for. Asked through its executions: the engine indexes
 * event subscriptions by execution and by name, not by process instance, so a lookup by instance
 * id and name reads every subscription of that name, one per running interaction (EXPLAIN in
 * docs/benchmarks.md), while this one stays flat as running interactions grow.
 */
public final class MessageWaits {

  private MessageWaits() {
  }

  public static boolean waitsFor(RuntimeService runtime, String processInstanceId, String message) {
    return runtime.createExecutionQuery().processInstanceId(processInstanceId)
        .messageEventSubscriptionName(message).count() > 0;
  }

  public static Set<String> awaited(RuntimeService runtime, String processInstanceId) {
    Set<String> names = new TreeSet<>();
    for (Execution execution : runtime.createExecutionQuery().processInstanceId(processInstanceId).list()) {
      for (EventSubscription s : runtime.createEventSubscriptionQuery().executionId(execution.getId())
          .eventType("message").list()) {
        names.add(s.getEventName());
      }
    }
    return names;
  }
}
