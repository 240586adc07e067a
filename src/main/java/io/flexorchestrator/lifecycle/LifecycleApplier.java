package io.flexorchestrator.lifecycle;

import static io.flexorchestrator.lifecycle.LifecycleMessages.*;

import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.webhook.ConversationEventParser;
import io.flexorchestrator.webhook.InboxEvent;
import io.flexorchestrator.webhook.TaskRouterEventParser;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Applies one stored webhook event to the engine, inside the caller's transaction and under the
 * conversation's lock: starts the conversation's lifecycle or correlates a message to it, always by
 * business key (the conversation SID).
 */
@Component
public class LifecycleApplier {

  private static final Logger log = LoggerFactory.getLogger(LifecycleApplier.class);

  private final RuntimeService runtime;
  private final LifecycleProperties properties;
  private final FlexProperties flex;

  public LifecycleApplier(RuntimeService runtime, LifecycleProperties properties, FlexProperties flex) {
    this.runtime = runtime;
    this.properties = properties;
    this.flex = flex;
  }

  public ApplyOutcome apply(InboxEvent event) {
    return switch (event.source()) {
      case CONVERSATIONS -> conversationEvent(event);
      case TASKROUTER -> taskRouterEvent(event);
    };
  }

  private ApplyOutcome conversationEvent(InboxEvent event) {
    String conversationSid = event.conversationSid();
    if (ConversationEventParser.MESSAGE_ADDED.equals(event.eventType())) {
      return messageAdded(event, conversationSid);
    }
    ProcessInstance instance = running(conversationSid);
    if (instance == null) {
      return ApplyOutcome.ignored("no running lifecycle for the conversation");
    }
    return switch (event.param("StateTo")) {
      case "closed" -> correlate(instance, CONVERSATION_CLOSED,
          Map.of("conversationClosedAt", new Date()));
      case "inactive" -> correlate(instance, CONVERSATION_INACTIVE,
          Map.of("conversationInactiveAt", new Date()));
      default -> ApplyOutcome.ignored("conversation became active again");
    };
  }

  private ApplyOutcome messageAdded(InboxEvent event, String conversationSid) {
    if ("API".equalsIgnoreCase(event.param("Source"))) {
      return ApplyOutcome.ignored("message sent through the REST API, not by a customer");
    }
    String service = event.param("ChatServiceSid");
    if (service != null && flex.chatServiceSid() != null && !service.equals(flex.chatServiceSid())) {
      return ApplyOutcome.ignored("conversation is not in the Flex Chat Service");
    }
    if (running(conversationSid) != null) {
      return ApplyOutcome.ignored("lifecycle already running");
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("conversationSid", conversationSid);
    variables.put("chatServiceSid", service != null ? service : flex.chatServiceSid());
    variables.put("retryCycle", properties.retryCycle());
    ProcessInstance started = runtime.createProcessInstanceByKey(PROCESS_KEY)
        .businessKey(conversationSid)
        .setVariables(variables)
        .execute();
    log.info("Started lifecycle {} for conversation {}", started.getId(), conversationSid);
    return ApplyOutcome.applied("lifecycle started");
  }

  private ApplyOutcome taskRouterEvent(InboxEvent event) {
    String conversationSid = event.conversationSid();
    ProcessInstance instance = running(conversationSid);
    if (instance == null) {
      return ApplyOutcome.ignored("no running lifecycle for the conversation");
    }
    Object channelSid = runtime.getVariable(instance.getId(), "channelSid");
    String eventChannel = event.param("flexInteractionChannelSid");
    if (channelSid == null) {
      return ApplyOutcome.notYet("the interaction is not created yet");
    }
    if (eventChannel != null && !eventChannel.equals(channelSid)) {
      return ApplyOutcome.ignored("event of an earlier interaction channel");
    }
    Map<String, Object> variables = new HashMap<>();
    variables.put("taskSid", event.taskSid());
    String type = event.eventType();
    if (TaskRouterEventParser.isWorkflowTimeout(type, event.param("TaskCanceledReason"))) {
      return correlate(instance, WORKFLOW_TIMEOUT, variables);
    }
    return switch (type) {
      case "reservation.accepted" -> {
        variables.put("workerSid", event.param("WorkerSid"));
        variables.put("agentAccepted", true);
        variables.put("acceptedAt", new Date());
        yield correlate(instance, RESERVATION_ACCEPTED, variables);
      }
      case "reservation.rejected", "reservation.timeout", "reservation.rescinded" -> correlate(
          instance, RESERVATION_NOT_ACCEPTED,
          Map.of("lastReservationOutcome", type.substring("reservation.".length())));
      case "task.wrapup" -> {
        variables.put("wrapupAt", new Date());
        yield correlate(instance, TASK_WRAPUP, variables);
      }
      case "task.completed" -> {
        variables.put("completedAt", new Date());
        yield correlate(instance, TASK_COMPLETED, variables);
      }
      case "task.canceled" -> {
        String reason = event.param("TaskCanceledReason");
        variables.put("cancelReason", reason == null ? "unknown" : truncate(reason));
        yield correlate(instance, TASK_CANCELED, variables);
      }
      case "task.deleted" -> correlate(instance, TASK_DELETED, variables);
      case "task.system-deleted" -> correlate(instance, TASK_SYSTEM_DELETED, variables);
      default -> ApplyOutcome.ignored("event type not used by the lifecycle");
    };
  }

  private ApplyOutcome correlate(ProcessInstance instance, String message,
      Map<String, Object> variables) {
    // looking first keeps the expected "not yet" out of the engine's error log; the exception
    // below still covers the race with a job moving the instance meanwhile
    if (runtime.createEventSubscriptionQuery().processInstanceId(instance.getId())
        .eventType("message").eventName(message).count() == 0) {
      return ApplyOutcome.notYet("lifecycle is not waiting for " + message + " yet");
    }
    try {
      runtime.createMessageCorrelation(message)
          .processInstanceBusinessKey(instance.getBusinessKey())
          .setVariables(variables)
          .correlateWithResult();
      return ApplyOutcome.applied(message);
    } catch (MismatchingMessageCorrelationException notWaiting) {
      return ApplyOutcome.notYet("lifecycle is not waiting for " + message + " yet");
    }
  }

  /** The conversation's running lifecycle instance, found by business key. */
  public ProcessInstance running(String conversationSid) {
    List<ProcessInstance> instances = runtime.createProcessInstanceQuery()
        .processDefinitionKey(PROCESS_KEY)
        .processInstanceBusinessKey(conversationSid)
        .listPage(0, 1);
    return instances.isEmpty() ? null : instances.get(0);
  }

  private static String truncate(String value) {
    return value.length() <= 200 ? value : value.substring(0, 200);
  }
}
