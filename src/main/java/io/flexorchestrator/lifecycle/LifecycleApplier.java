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
import java.util.Set;
import java.util.TreeSet;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Execution;
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
  /** The lifecycle variables a TaskRouter event is checked against before it is correlated. */
  private static final List<String> EVENT_CHECK_VARIABLES = List.of("routingMode", "channelSid",
      "routedTaskSid", "taskSid", HANDED_OVER_TASKS, AGENT_LEFT_TASK, EXTRA_AGENT_TASKS);

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
    boolean removed = ConversationEventParser.REMOVED.equals(event.eventType());
    boolean closed = removed || "closed".equals(event.param("StateTo"));
    int operationsEnded = closed
        ? endAgentOperations(conversationSid, removed ? "conversation-removed" : "conversation-closed")
        : 0;
    String instance = running(conversationSid);
    if (instance == null) {
      return operationsEnded > 0 ? ApplyOutcome.applied(INTERACTION_ENDED)
          : ApplyOutcome.ignored("no running lifecycle for the conversation");
    }
    if (closed) {
      return correlate(instance, CONVERSATION_CLOSED, Map.of("conversationClosedAt", new Date()));
    }
    return "inactive".equals(event.param("StateTo"))
        ? correlate(instance, CONVERSATION_INACTIVE, Map.of("conversationInactiveAt", new Date()))
        : ApplyOutcome.ignored("conversation became active again");
  }

  /**
   * The interaction is over (conversation closed or removed, lifecycle ended): every
   * {@code transfer-interaction} and {@code park-interaction} instance of the conversation ends
   * through its {@code InteractionEnded} event sub-process. Returns how many were ended.
   */
  public int endAgentOperations(String conversationSid, String reason) {
    int ended = 0;
    for (String key : List.of(TRANSFER_PROCESS_KEY, PARK_PROCESS_KEY)) {
      for (String operation : runningAll(key, conversationSid)) {
        if (waitsFor(operation, INTERACTION_ENDED)) {
          runtime.createMessageCorrelation(INTERACTION_ENDED).processInstanceId(operation)
              .setVariable("interactionEndedBy", reason).correlateWithResult();
          ended++;
        }
      }
    }
    if (ended > 0) {
      log.info("Conversation {}: {} agent operation(s) ended ({})", conversationSid, ended, reason);
    }
    return ended;
  }

  private ApplyOutcome messageAdded(InboxEvent event, String conversationSid) {
    if ("API".equalsIgnoreCase(event.param("Source"))) {
      return ApplyOutcome.ignored("message sent through the REST API, not by a customer");
    }
    String service = event.param("ChatServiceSid");
    if (service != null && flex.chatServiceSid() != null && !service.equals(flex.chatServiceSid())) {
      return ApplyOutcome.ignored("conversation is not in the Flex Chat Service");
    }
    String parked = running(PARK_PROCESS_KEY, conversationSid);
    if (parked != null && waitsFor(parked, PARKED_CUSTOMER_MESSAGE)) {
      return correlate(parked, PARKED_CUSTOMER_MESSAGE, Map.of("customerWroteAt", new Date()));
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
    String instance = running(conversationSid);
    if (instance == null) {
      return ApplyOutcome.ignored("no running lifecycle for the conversation");
    }
    // one read of what the checks below look at, instead of one engine command per variable
    Map<String, Object> lifecycle = runtime.getVariables(instance, EVENT_CHECK_VARIABLES);
    boolean taskRouterMode = "taskrouter".equals(lifecycle.get("routingMode"));
    ApplyOutcome stale = taskRouterMode
        ? staleForTaskRouterMode(instance, lifecycle, event)
        : staleForInteractionsMode(lifecycle, event);
    if (stale != null) {
      return stale;
    }
    if (!taskRouterMode) {
      ApplyOutcome operation = agentOperationEvent(instance, lifecycle, event);
      if (operation != null) {
        return operation;
      }
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

  /**
   * Interactions mode, agent operations: a transfer's invite task reports to its
   * {@code transfer-interaction} instance (found by {@code transferId}; several may be pending)
   * ({@code TransferAccepted} / {@code TransferFailed}); tasks handed over (cold transfer, park) are
   * ignored; a warm transfer's further agent keeps the interaction going until the last agent's task
   * completes; when the last agent leaves while an invite is still pending, the completion is held
   * back (the channel stays open) until an invite is accepted (its task is followed) or the last
   * one fails ({@code releaseUnattendedInteraction}); an unparked task, once accepted, becomes the
   * task the lifecycle follows. Null = the lifecycle's usual handling.
   */
  private ApplyOutcome agentOperationEvent(String id, Map<String, Object> lifecycle,
      InboxEvent event) {
    String type = event.eventType();
    String task = event.taskSid();
    Object currentTask = lifecycle.get("taskSid");
    List<String> handedOver = sids(lifecycle.get(HANDED_OVER_TASKS));
    if (handedOver.contains(task)) {
      return ApplyOutcome.ignored("task handed over by a transfer or a park");
    }
    String transferId = event.param("orchestratorTransferId");
    boolean workflowTimeout = TaskRouterEventParser.isWorkflowTimeout(type,
        event.param("TaskCanceledReason"));
    Object agentLeftTask = lifecycle.get(AGENT_LEFT_TASK);
    List<String> extra = sids(lifecycle.get(EXTRA_AGENT_TASKS));
    if (transferId != null && !task.equals(currentTask) && !extra.contains(task)) {
      ProcessInstance transfer = transfer(event.conversationSid(), transferId);
      if (transfer == null) {
        return ApplyOutcome.ignored("event of a transfer that is over");
      }
      if ("reservation.accepted".equals(type)) {
        ApplyOutcome outcome = correlate(transfer.getId(), TRANSFER_ACCEPTED, Map.of("targetTaskSid", task,
            "targetWorkerSid", String.valueOf(event.param("WorkerSid")), "acceptedAt", new Date()));
        if (outcome.kind() == ApplyOutcome.Kind.APPLIED) {
          if ("cold".equals(event.param("transferMode")) || agentLeftTask != null) {
            // the target takes over: after a cold transfer, or when nobody else is left
            Object previous = runtime.getVariable(id, "taskSid");
            if (previous != null && !handedOver.contains(previous.toString())) {
              handedOver.add(previous.toString());
              runtime.setVariable(id, HANDED_OVER_TASKS, String.join(",", handedOver));
            }
            runtime.setVariable(id, "taskSid", task);
            runtime.setVariable(id, "workerSid", event.param("WorkerSid"));
            runtime.removeVariable(id, AGENT_LEFT_TASK);
          } else {
            // read again, not from the snapshot: the transfer's correlation ran in between
            List<String> extraNow = sids(runtime.getVariable(id, EXTRA_AGENT_TASKS));
            extraNow.add(task);
            runtime.setVariable(id, EXTRA_AGENT_TASKS, String.join(",", extraNow));
          }
        }
        return outcome;
      }
      if (workflowTimeout || "task.canceled".equals(type)) {
        return correlate(transfer.getId(), TRANSFER_FAILED, Map.of("transferFailure",
            workflowTimeout ? "timeout" : "canceled", "agentLeft", agentLeftTask != null));
      }
      return ApplyOutcome.ignored("transfer task event not used");
    }
    if (event.param("orchestratorParkId") != null && "reservation.accepted".equals(type)
        && !task.equals(currentTask)) {
      runtime.setVariable(id, "taskSid", task);
      runtime.setVariable(id, "workerSid", event.param("WorkerSid"));
      return ApplyOutcome.applied("unparked task accepted: the lifecycle follows it");
    }
    if ("task.wrapup".equals(type) && task.equals(currentTask)
        && !handedOver.isEmpty() && !waitsFor(id, TASK_WRAPUP)
        && waitsFor(id, TASK_COMPLETED)) {
      // a task taken over after the lifecycle recorded the first agent's wrapup
      return ApplyOutcome.ignored("wrapup already recorded for this interaction");
    }
    if (extra.isEmpty() && "task.completed".equals(type)
        && task.equals(currentTask)
        && !pendingTransfers(event.conversationSid()).isEmpty()) {
      handedOver.add(task);
      runtime.setVariable(id, HANDED_OVER_TASKS, String.join(",", handedOver));
      runtime.setVariable(id, AGENT_LEFT_TASK, task);
      log.info("Conversation {}: the last agent left while an invite is pending; the channel stays"
          + " open", event.conversationSid());
      return ApplyOutcome.applied("the last agent left; an invite is pending: the channel stays open");
    }
    if (extra.isEmpty() || !("task.wrapup".equals(type) || "task.completed".equals(type))) {
      return null;
    }
    if (extra.contains(task)) {
      if ("task.completed".equals(type)) {
        extra.remove(task);
        runtime.setVariable(id, EXTRA_AGENT_TASKS, String.join(",", extra));
      }
      return ApplyOutcome.ignored("a further agent left; the interaction goes on");
    }
    if (task.equals(currentTask)) {
      if ("task.completed".equals(type)) {
        String next = extra.remove(0);
        runtime.setVariable(id, EXTRA_AGENT_TASKS, String.join(",", extra));
        runtime.setVariable(id, "taskSid", next);
        handedOver.add(task);
        runtime.setVariable(id, HANDED_OVER_TASKS, String.join(",", handedOver));
      }
      return ApplyOutcome.ignored("another agent is still on the interaction");
    }
    return null;
  }

  /** The running {@code transfer-interaction} instance of the conversation with that id, or null. */
  public ProcessInstance transfer(String conversationSid, String transferId) {
    return runtime.createProcessInstanceQuery().processDefinitionKey(TRANSFER_PROCESS_KEY)
        .processInstanceBusinessKey(conversationSid).variableValueEquals("transferId", transferId)
        .list().stream().findFirst().orElse(null);
  }

  /**
   * The conversation's pending invites of transfers: its {@code transfer-interaction} instances
   * still waiting for their target ({@code TransferAccepted} subscribed).
   */
  public List<ProcessInstance> pendingTransfers(String conversationSid) {
    return runtime.createProcessInstanceQuery().processDefinitionKey(TRANSFER_PROCESS_KEY)
        .processInstanceBusinessKey(conversationSid).list().stream()
        .filter(p -> waitsFor(p.getId(), TRANSFER_ACCEPTED)).toList();
  }

  private static List<String> sids(Object value) {
    List<String> list = new java.util.ArrayList<>();
    if (value != null) {
      for (String s : value.toString().split(",")) {
        if (!s.isBlank()) {
          list.add(s.trim());
        }
      }
    }
    return list;
  }

  private boolean waitsFor(String instanceId, String message) {
    return MessageWaits.waitsFor(runtime, instanceId, message);
  }

  private ApplyOutcome staleForInteractionsMode(Map<String, Object> lifecycle, InboxEvent event) {
    Object channelSid = lifecycle.get("channelSid");
    String eventChannel = event.param("flexInteractionChannelSid");
    if (channelSid == null) {
      return ApplyOutcome.notYet("the interaction is not created yet");
    }
    if (eventChannel != null && !eventChannel.equals(channelSid)) {
      return ApplyOutcome.ignored("event of an earlier interaction channel");
    }
    return null;
  }

  /**
   * taskrouter mode (no interaction channel): the instance follows the task it created,
   * {@code routedTaskSid}. Another task's event is stale while the TaskRouter agent phase runs (its
   * WorkflowTimeout boundary is subscribed); between a re-route and the new task's creation it may
   * be the new task's, so it waits.
   */
  private ApplyOutcome staleForTaskRouterMode(String instance, Map<String, Object> lifecycle,
      InboxEvent event) {
    Object routedTaskSid = lifecycle.get("routedTaskSid");
    if (routedTaskSid == null) {
      return ApplyOutcome.notYet("the task is not created yet");
    }
    if (routedTaskSid.equals(event.taskSid())) {
      return null;
    }
    boolean inAgentPhase = MessageWaits.waitsFor(runtime, instance, WORKFLOW_TIMEOUT);
    return inAgentPhase ? ApplyOutcome.ignored("event of another task of the conversation")
        : ApplyOutcome.notYet("the re-routed task is not created yet");
  }

  private ApplyOutcome correlate(String instance, String message,
      Map<String, Object> variables) {
    // looking first keeps the expected "not yet" out of the engine's error log; the exception
    // below still covers the race with a job moving the instance meanwhile
    if (!MessageWaits.waitsFor(runtime, instance, message)) {
      return ApplyOutcome.notYet("lifecycle is not waiting for " + message + " yet");
    }
    try {
      runtime.createMessageCorrelation(message)
          .processInstanceId(instance)
          .setVariables(variables)
          .correlateWithResult();
      return ApplyOutcome.applied(message);
    } catch (MismatchingMessageCorrelationException notWaiting) {
      return ApplyOutcome.notYet("lifecycle is not waiting for " + message + " yet");
    }
  }

  /** The id of the conversation's running lifecycle instance (null: none), found by business key. */
  public String running(String conversationSid) {
    return running(PROCESS_KEY, conversationSid);
  }

  /**
   * The id of the conversation's running instance of the given process (null: none), found by
   * business key. Asked as an {@code ExecutionQuery}: its SQL has no {@code PARENT_ID_ IS NULL},
   * which H2 answers through the parent-execution index (every running instance, docs/benchmarks.md),
   * and it is cheaper to build than a {@code ProcessInstanceQuery} for every webhook.
   */
  public String running(String processKey, String conversationSid) {
    List<Execution> executions = runtime.createExecutionQuery().processDefinitionKey(processKey)
        .processInstanceBusinessKey(conversationSid).listPage(0, 1);
    return executions.isEmpty() ? null : executions.get(0).getProcessInstanceId();
  }

  /** The ids of every running instance of the process for the conversation (same query). */
  public Set<String> runningAll(String processKey, String conversationSid) {
    Set<String> ids = new TreeSet<>();
    runtime.createExecutionQuery().processDefinitionKey(processKey)
        .processInstanceBusinessKey(conversationSid).list()
        .forEach(execution -> ids.add(execution.getProcessInstanceId()));
    return ids;
  }

  private static String truncate(String value) {
    return value.length() <= 200 ? value : value.substring(0, 200);
  }
}
