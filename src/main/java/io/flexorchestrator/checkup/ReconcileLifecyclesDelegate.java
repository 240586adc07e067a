package io.flexorchestrator.checkup;

import static io.flexorchestrator.lifecycle.LifecycleMessages.*;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.lifecycle.MessageWaits;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.flexorchestrator.webhook.TaskRouterEventParser;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.exception.NullValueException;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One page of running {@code interaction-lifecycle} instances, in id order after the last one seen
 * ({@code lifecycleAfterId}; a stable key, so instances that end during the run shift nothing),
 * more to come in {@code moreLifecycles}. An instance whose interaction exists (past the grace
 * period) but whose latest task is canceled, wrapping, completed or gone at TaskRouter missed that
 * callback (e.g. the app was down): the same event is replayed through the inbox, so the lifecycle
 * ends exactly as the callback would have made it (Channel Janitor semantics: canceled, wrapup,
 * completed and system-deleted clean up; a task that is gone counts as
 * {@code orchestrator.checkup.missing-task-event}, by default system-deleted). Open tasks are fine.
 */
@Component("checkupReconcileLifecycles")
public class ReconcileLifecyclesDelegate extends CheckupStep {

  private static final Logger log = LoggerFactory.getLogger(ReconcileLifecyclesDelegate.class);
  private static final String INSTANCE_ATTRIBUTE = "orchestratorInstanceId";

  private final FlexProperties flex;
  private final RuntimeService runtime;
  private final MissedEventReplay replay;
  private final InstancePages pages;

  public ReconcileLifecyclesDelegate(TwilioGateway gateway, TwilioPacer pacer,
      CheckupProperties properties, FlexProperties flex, RuntimeService runtime,
      MissedEventReplay replay, InstancePages pages) {
    super(gateway, pacer, properties);
    this.flex = flex;
    this.runtime = runtime;
    this.replay = replay;
    this.pages = pages;
  }

  @Override
  void run(DelegateExecution execution, TwilioRestClient client, CheckupReport report) {
    int size = properties.getPageSize();
    List<ProcessInstance> page = pages.running(string(execution, "lifecycleAfterId"), size);
    for (ProcessInstance instance : page) {
      try {
        reconcile(client, instance, report);
      } catch (NullValueException endedMeanwhile) {
        // the instance ended after the page was read: nothing left to reconcile
      } catch (RuntimeException e) {
        if (TwilioErrors.isRetryable(e)) {
          throw e;
        }
        report.add("lifecycles", instance.getBusinessKey(), "failed", "Twilio answered: " + e.getMessage())
            .put("processInstanceId", instance.getId());
      }
    }
    report.scanned("lifecycles", page.size());
    if (!page.isEmpty()) {
      execution.setVariable("lifecycleAfterId", page.get(page.size() - 1).getId());
    }
    execution.setVariable("moreLifecycles", page.size() == size);
  }

  private void reconcile(TwilioRestClient client, ProcessInstance instance, CheckupReport report) {
    Map<String, Object> variables = runtime.getVariables(instance.getId(),
        List.of("channelSid", "interactionSid", "interactionCreatedAt", "taskSid"));
    String channelSid = (String) variables.get("channelSid");
    if (channelSid == null) {
      return; // not routed yet: nothing TaskRouter could have said
    }
    Object createdAt = variables.get("interactionCreatedAt");
    if (createdAt instanceof Date date && Duration.between(date.toInstant(), Instant.now())
        .compareTo(properties.getLifecycleGrace()) < 0) {
      return;
    }
    String conversationSid = instance.getBusinessKey();
    List<Task> tasks = tasks(client, flex.workspaceSid(),
        INSTANCE_ATTRIBUTE + " == \"" + instance.getId() + "\"", null);
    Optional<Task> latest = tasks.stream().findFirst();
    String eventType;
    String taskSid;
    String reason = null;
    String taskStatus;
    if (latest.isEmpty()) {
      eventType = properties.getMissingTaskEvent();
      taskSid = (String) variables.get("taskSid");
      taskStatus = "gone";
    } else {
      Task task = latest.get();
      taskSid = task.getSid();
      taskStatus = String.valueOf(task.getAssignmentStatus());
      reason = task.getReason();
      eventType = switch (task.getAssignmentStatus()) {
        case CANCELED -> "task.canceled";
        case COMPLETED -> "task.completed";
        case WRAPPING -> "task.wrapup";
        default -> null;
      };
      Object channelOfTask = json(task.getAttributes()).get("flexInteractionChannelSid");
      if (eventType != null && channelOfTask != null && !channelSid.equals(channelOfTask)) {
        report.add("lifecycles", conversationSid, "skipped", "latest task " + taskSid
            + " belongs to another interaction channel").put("processInstanceId", instance.getId());
        return;
      }
    }
    if (eventType == null) {
      return; // open task: the lifecycle waits for it
    }
    String message = messageFor(eventType, reason);
    Set<String> waiting = MessageWaits.awaited(runtime, instance.getId());
    Map<String, Object> item;
    if (!waiting.contains(message)) {
      if ("task.wrapup".equals(eventType)) {
        return; // already past wrapup: it waits for the completion
      }
      item = report.add("lifecycles", conversationSid, "skipped", "task is " + taskStatus
          + " but the lifecycle is not waiting for " + message + " (waiting for " + waiting + ")");
    } else if (!budgetLeft(report)) {
      item = report.add("lifecycles", conversationSid, "skipped", "action budget of this run used up");
    } else {
      Optional<Long> queued = replay.taskEvent(eventType, conversationSid, taskSid, reason,
          (String) variables.get("interactionSid"), channelSid);
      item = queued.isPresent()
          ? report.add("lifecycles", conversationSid, "replayed", "task is " + taskStatus
              + " at TaskRouter but the lifecycle never got " + eventType + ": replayed it ("
              + message + ")")
          : report.add("lifecycles", conversationSid, "skipped", "the " + eventType
              + " event is already in the inbox, waiting to be applied");
      log.info("Checkup: lifecycle of {} missed {} of task {}: {}", conversationSid, eventType,
          taskSid, item.get("action"));
    }
    item.put("processInstanceId", instance.getId());
    item.put("taskSid", taskSid);
    item.put("taskStatus", taskStatus);
    item.put("event", eventType);
  }

  static String messageFor(String eventType, String reason) {
    if (TaskRouterEventParser.isWorkflowTimeout(eventType, reason)) {
      return WORKFLOW_TIMEOUT;
    }
    return switch (eventType) {
      case "task.canceled" -> TASK_CANCELED;
      case "task.completed" -> TASK_COMPLETED;
      case "task.wrapup" -> TASK_WRAPUP;
      case "task.deleted" -> TASK_DELETED;
      default -> TASK_SYSTEM_DELETED;
    };
  }
}
