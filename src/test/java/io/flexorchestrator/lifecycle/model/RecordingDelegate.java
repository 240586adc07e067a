package io.flexorchestrator.lifecycle.model;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * Stand-in for one delegate bean of docs/design.md in the model tests: records every call (activity
 * and a snapshot of the variables it could see, incl. local input parameters such as
 * {@code messageKey}) and then does what the test configured: set the variables the real bean
 * would set, or throw (e.g. {@code new BpmnError("CONVERSATION_CLOSED")}).
 */
final class RecordingDelegate implements JavaDelegate {

  /** One invocation: the activity that called the bean and the variables visible to it. */
  record Call(String activityId, Map<String, Object> variables) {

    Object variable(String name) {
      return variables.get(name);
    }
  }

  private final String beanName;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private volatile Consumer<DelegateExecution> behaviour;

  RecordingDelegate(String beanName, Consumer<DelegateExecution> behaviour) {
    this.beanName = beanName;
    this.behaviour = behaviour;
  }

  @Override
  public void execute(DelegateExecution execution) {
    calls.add(new Call(execution.getCurrentActivityId(), new HashMap<>(execution.getVariables())));
    behaviour.accept(execution);
  }

  /** Replaces what the bean does from now on (the call is still recorded). */
  RecordingDelegate behave(Consumer<DelegateExecution> newBehaviour) {
    this.behaviour = newBehaviour;
    return this;
  }

  /** Makes the bean throw {@code failure} from now on. */
  RecordingDelegate fail(RuntimeException failure) {
    return behave(execution -> {
      throw failure;
    });
  }

  String beanName() {
    return beanName;
  }

  List<Call> calls() {
    return Collections.unmodifiableList(calls);
  }

  List<String> activityIds() {
    return calls.stream().map(Call::activityId).toList();
  }

  List<Object> values(String variable) {
    return calls.stream().map(call -> call.variable(variable)).toList();
  }

  Call lastCall() {
    if (calls.isEmpty()) {
      throw new AssertionError(beanName + " was never called");
    }
    return calls.get(calls.size() - 1);
  }
}
