package io.flexorchestrator.lifecycle.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.flexorchestrator.lifecycle.MessageWaits;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.MismatchingMessageCorrelationException;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.runtime.EventSubscription;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Model tests of {@code processes/interaction-lifecycle.bpmn} (with the routing DMN), without
 * Spring: the delegate beans of docs/design.md are {@link RecordingDelegate}s registered with
 * {@link Mocks}, messages are correlated by business key only, exactly as the inbox applier does.
 */
@Deployment(resources = {"processes/interaction-lifecycle.bpmn", "processes/routing-decision.dmn"})
class InteractionLifecycleProcessTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      // not camunda.cfg.xml: that name would make ProcessEngines.init() start this in-memory
      // engine inside the Spring Boot tests too, and /engine-rest would answer from it
      .configurationResource("camunda-model-test.cfg.xml")
      .assertClassCoverageAtLeast(0.9)
      .build();

  static final String PROCESS = "interaction-lifecycle";
  static final String CH = "CH00000000000000000000000000000001";
  static final String IS = "IS00000000000000000000000000000001";
  static final String TASK = "WT00000000000000000000000000000001";

  /** Message names, exactly as in docs/design.md. */
  static final String RESERVATION_ACCEPTED = "ReservationAccepted";
  static final String RESERVATION_NOT_ACCEPTED = "ReservationNotAccepted";
  static final String TASK_WRAPUP = "TaskWrapup";
  static final String TASK_COMPLETED = "TaskCompleted";
  static final String TASK_CANCELED = "TaskCanceled";
  static final String WORKFLOW_TIMEOUT = "WorkflowTimeout";
  static final String TASK_DELETED = "TaskDeleted";
  static final String TASK_SYSTEM_DELETED = "TaskSystemDeleted";
  static final String CONVERSATION_CLOSED = "ConversationClosed";
  static final String CONVERSATION_INACTIVE = "ConversationInactive";

  RuntimeService runtimeService;
  ManagementService managementService;

  /** What loadConversationContext "reads" from Twilio in a test (defaults + overrides). */
  final Map<String, Object> context = new HashMap<>();

  RecordingDelegate loadConversationContext;
  RecordingDelegate setCloseTimers;
  RecordingDelegate sendMessage;
  RecordingDelegate createInteraction;
  RecordingDelegate closeInteractionChannel;
  RecordingDelegate inviteToWorkflow;
  RecordingDelegate createTask;
  RecordingDelegate addAgentToConversation;
  RecordingDelegate removeAgentFromConversation;
  RecordingDelegate closeConversation;
  RecordingDelegate cancelTask;

  @BeforeEach
  void setUp() {
    ProcessEngine engine = extension.getProcessEngine();
    BpmnAwareTests.init(engine);
    runtimeService = engine.getRuntimeService();
    managementService = engine.getManagementService();

    context.put("channelType", "whatsapp");
    context.put("proxyAddress", "whatsapp:+14155550100");
    context.put("customerLanguage", "en");
    context.put("customerTier", "standard");
    context.put("knownWorkerSid", null);
    context.put("autoAnswer", null);
    context.put("withinBusinessHours", true);
    context.put("longLived", false);
    context.put("sendGreeting", false);
    context.put("sendOutOfHoursReply", false);
    context.put("maxRerouteAttempts", 2);
    context.put("rerouteAttempts", 0);
    context.put("rerouteWorkflowSid", "WW00000000000000000000000000fallback");
    context.put("agentAccepted", false);

    loadConversationContext = register("loadConversationContext",
        execution -> execution.setVariables(context));
    setCloseTimers = register("setCloseTimers",
        execution -> execution.setVariable("timersSet", true));
    sendMessage = register("sendMessage", execution -> { });
    createInteraction = register("createInteraction", execution -> {
      execution.setVariable("interactionSid", "KD00000000000000000000000000000001");
      execution.setVariable("channelSid", "UO00000000000000000000000000000001");
      execution.setVariable("interactionCreatedAt", new Date());
    });
    closeInteractionChannel = register("closeInteractionChannel",
        execution -> execution.setVariable("channelClosedAt", new Date()));
    inviteToWorkflow = register("inviteToWorkflow",
        execution -> execution.setVariable("lastInviteSid", "KG0000000000000000000000000000000"
            + execution.getVariable("rerouteAttempts")));
    createTask = register("createTask", execution -> {
      execution.setVariable("routedTaskSid", "WT0000000000000000000000000000000"
          + createTaskCount++);
      execution.setVariable("taskCreatedAt", new Date());
    });
    addAgentToConversation = register("addAgentToConversation",
        execution -> execution.setVariable("agentIdentity", "agent_alice"));
    removeAgentFromConversation = register("removeAgentFromConversation", execution -> { });
    closeConversation = register("closeConversation",
        execution -> execution.setVariable("conversationClosedAt", new Date()));
    cancelTask = register("cancelTask", execution -> execution.setVariable("taskEndedAt", new Date()));
  }

  int createTaskCount;

  @AfterEach
  void tearDown() {
    Mocks.reset();
  }

  // ------------------------------------------------------------------ normal order and shuffles

  @Test
  @DisplayName("accepted → wrapup → completed: routed, channel closed, outcome completed")
  void happyPath() {
    ProcessInstance pi = start();
    // the start transaction ends before the first Twilio call
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-load-conversation-context");
    assertThat(loadConversationContext.calls()).isEmpty();

    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent");
    assertThat(variables(pi)).contains(
        entry("timersSet", true),
        entry("workflowSid", ""),
        entry("taskChannel", "chat"),
        entry("routingPriority", 5),
        entry("routingTimeout", 86400),
        entry("extraTaskAttributes", "{}"),
        entry("routingMode", "interactions"),
        entry("interactionSid", "KD00000000000000000000000000000001"));
    // createInteraction sees the routing decided just before
    assertThat(createInteraction.lastCall().variables()).contains(
        entry("routingPriority", 5), entry("taskChannel", "chat"), entry("conversationSid", CH));

    correlate(RESERVATION_ACCEPTED, Map.of("taskSid", TASK, "workerSid", "WK1",
        "agentAccepted", true, "acceptedAt", new Date()));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-wrapup");
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK, "wrapupAt", new Date()));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion");
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK, "completedAt", new Date()));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder(
        "start-customer-message-received", "task-load-conversation-context", "gateway-long-lived",
        "task-set-close-timers", "task-decide-routing", "gateway-send-greeting",
        "gateway-out-of-hours", "task-create-interaction",
        "catch-reservation-accepted", "catch-task-wrapup", "catch-task-completed",
        "end-agent-phase", "task-close-interaction-channel", "end-completed");
    assertEnded(pi, "end-completed", "completed");
    assertThat(sendMessage.calls()).isEmpty();
    assertThat(inviteToWorkflow.calls()).isEmpty();
    assertThat(createTask.calls()).isEmpty();
    assertThat(addAgentToConversation.calls()).isEmpty();
    assertThat(removeAgentFromConversation.calls()).isEmpty();
    assertThat(closeConversation.calls()).isEmpty();
    assertThat(cancelTask.calls()).isEmpty();
    assertThat(closeInteractionChannel.activityIds()).containsExactly("task-close-interaction-channel");
    assertThat(closeInteractionChannel.lastCall().variables()).contains(
        entry("interactionSid", "KD00000000000000000000000000000001"),
        entry("channelSid", "UO00000000000000000000000000000001"),
        entry("longLived", false));
  }

  @Test
  @DisplayName("completed before wrapup ends the agent phase normally; a late wrapup finds no instance")
  void completedBeforeWrapup() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassed("catch-task-completed-before-wrapup")
        .hasNotPassed("catch-task-wrapup");
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
    // the applier must treat "no running instance" as done, not as a failure to retry
    assertThatThrownBy(() -> correlate(TASK_WRAPUP, Map.of("taskSid", TASK)))
        .isInstanceOf(MismatchingMessageCorrelationException.class);
  }

  @Test
  @DisplayName("wrapup before accepted: the late acceptance is still taken, then completed")
  void wrapupBeforeAccepted() {
    ProcessInstance pi = startAndRoute();
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion-or-acceptance");
    correlate(RESERVATION_ACCEPTED, accepted());
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion");
    assertThat(variables(pi)).containsEntry("agentAccepted", true);
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("catch-task-wrapup-before-accept",
        "catch-reservation-accepted-late", "catch-task-completed");
    assertEnded(pi, "end-completed", "completed");
  }

  @Test
  @DisplayName("wrapup then completed without any acceptance seen")
  void wrapupThenCompletedWithoutAcceptance() {
    ProcessInstance pi = startAndRoute();
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassed("catch-task-wrapup-before-accept",
        "catch-task-completed-without-accept");
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
  }

  @Test
  @DisplayName("completed while still waiting for the agent")
  void completedWhileWaitingForAgent() {
    ProcessInstance pi = startAndRoute();
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassed("catch-task-completed-before-accept")
        .hasNotPassed("catch-reservation-accepted");
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
  }

  // ------------------------------------------------------------------ before the agent phase

  @Test
  @DisplayName("long-lived channel: no close timers, the close delegate sees longLived")
  void longLived() {
    context.put("longLived", true);
    ProcessInstance pi = startAndRoute();
    completeNormally();

    BpmnAwareTests.assertThat(pi).hasNotPassed("task-set-close-timers")
        .hasPassed("task-decide-routing");
    assertThat(setCloseTimers.calls()).isEmpty();
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.lastCall().variables()).containsEntry("longLived", true);
  }

  @Test
  @DisplayName("greeting and out-of-hours reply are sent before the interaction is created")
  void greetingAndOutOfHoursReply() {
    context.put("sendGreeting", true);
    context.put("sendOutOfHoursReply", true);
    context.put("withinBusinessHours", false);
    ProcessInstance pi = startAndRoute();

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("task-decide-routing", "task-send-greeting",
        "task-send-out-of-hours-reply", "task-create-interaction");
    assertThat(sendMessage.values("messageKey")).containsExactly("greeting", "out-of-hours");
    assertThat(sendMessage.activityIds())
        .containsExactly("task-send-greeting", "task-send-out-of-hours-reply");
    // out-of-hours routing rule
    assertThat(variables(pi)).contains(entry("routingPriority", 0), entry("routingTimeout", 172800),
        entry("extraTaskAttributes", "{\"out_of_hours\":true}"));

    completeNormally();
    assertEnded(pi, "end-completed", "completed");
  }

  @Test
  @DisplayName("greeting only")
  void greetingOnly() {
    context.put("sendGreeting", true);
    ProcessInstance pi = startAndRoute();

    BpmnAwareTests.assertThat(pi).hasPassed("task-send-greeting")
        .hasNotPassed("task-send-out-of-hours-reply");
    assertThat(sendMessage.values("messageKey")).containsExactly("greeting");
  }

  @Test
  @DisplayName("conversation closed when creating the interaction → closed-before-routing, no close call")
  void conversationClosedAtCreate() {
    createInteraction.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance pi = start();
    executeJobs();

    BpmnAwareTests.assertThat(pi).hasPassed("boundary-create-interaction-conversation-closed");
    assertEnded(pi, "end-closed-before-routing", "closed-before-routing");
    assertThat(closeInteractionChannel.calls()).isEmpty();
  }

  @Test
  @DisplayName("conversation closed when loading the context → closed-before-routing")
  void conversationClosedAtLoadContext() {
    loadConversationContext.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance pi = start();
    executeJobs();

    BpmnAwareTests.assertThat(pi).hasPassed("boundary-load-context-conversation-closed")
        .hasNotPassed("task-create-interaction");
    assertEnded(pi, "end-closed-before-routing", "closed-before-routing");
  }

  @Test
  @DisplayName("conversation closed when setting the close timers → closed-before-routing")
  void conversationClosedAtSetTimers() {
    setCloseTimers.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance pi = start();
    executeJobs();

    BpmnAwareTests.assertThat(pi).hasPassed("boundary-set-timers-conversation-closed")
        .hasNotPassed("task-decide-routing");
    assertEnded(pi, "end-closed-before-routing", "closed-before-routing");
    assertThat(createInteraction.calls()).isEmpty();
  }

  @Test
  @DisplayName("rate slot far away: waits at the timer, then creates with the reserved slot")
  void rateSlotReservedWaitsAtTheTimer() {
    Date slot = new Date(System.currentTimeMillis() + 60_000);
    createInteraction.behave(execution -> {
      execution.setVariable("interactionCreateSlot", slot);
      throw new BpmnError("RATE_SLOT_RESERVED");
    });
    ProcessInstance pi = start();
    executeJobs();

    BpmnAwareTests.assertThat(pi).isWaitingAt("catch-rate-slot");
    Job timer = managementService.createJobQuery().processInstanceId(pi.getId()).timers().singleResult();
    assertThat(timer.getDuedate()).isEqualTo(slot);
    assertThat(timer.getPriority()).isEqualTo(40);

    createInteraction.behave(execution -> {
      execution.setVariable("interactionSid", "KD00000000000000000000000000000001");
      execution.setVariable("channelSid", "UO00000000000000000000000000000001");
    });
    BpmnAwareTests.execute(timer);
    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent")
        .hasPassed("boundary-create-interaction-rate-slot-reserved", "catch-rate-slot");
    assertThat(createInteraction.calls()).hasSize(2);
    assertThat(createInteraction.lastCall().variable("interactionCreateSlot")).isEqualTo(slot);
  }

  @Test
  @DisplayName("MessageWaits reads the subscriptions through the instance's executions")
  void messageWaitsSeesTheAgentPhaseSubscriptions() {
    ProcessInstance pi = startAndRoute();
    assertThat(MessageWaits.waitsFor(runtimeService, pi.getId(), RESERVATION_ACCEPTED)).isTrue();
    assertThat(MessageWaits.waitsFor(runtimeService, pi.getId(), TASK_COMPLETED)).isTrue();
    assertThat(MessageWaits.waitsFor(runtimeService, pi.getId(), "NoSuchMessage")).isFalse();
    Set<String> expected = new TreeSet<>();
    runtimeService.createEventSubscriptionQuery().processInstanceId(pi.getId()).eventType("message")
        .list().forEach(s -> expected.add(s.getEventName()));
    assertThat(MessageWaits.awaited(runtimeService, pi.getId())).isEqualTo(expected)
        .contains(RESERVATION_ACCEPTED, WORKFLOW_TIMEOUT, CONVERSATION_CLOSED);

    correlate(RESERVATION_ACCEPTED, Map.of("taskSid", TASK, "workerSid", "WK1",
        "agentAccepted", true, "acceptedAt", new Date()));
    assertThat(MessageWaits.waitsFor(runtimeService, pi.getId(), RESERVATION_ACCEPTED)).isFalse();
    assertThat(MessageWaits.waitsFor(runtimeService, pi.getId(), TASK_WRAPUP)).isTrue();
  }

  @Test
  @DisplayName("jobs closer to the agent run first: priorities rise along the path")
  void jobPrioritiesRiseAlongThePath() {
    ProcessInstance pi = start();
    assertThat(managementService.createJobQuery().processInstanceId(pi.getId()).singleResult()
        .getPriority()).isEqualTo(10);
    BpmnAwareTests.execute(managementService.createJobQuery().processInstanceId(pi.getId()).singleResult());
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-set-close-timers");
    assertThat(managementService.createJobQuery().processInstanceId(pi.getId()).singleResult()
        .getPriority()).isEqualTo(20);
    BpmnAwareTests.execute(managementService.createJobQuery().processInstanceId(pi.getId()).singleResult());
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-create-interaction");
    assertThat(managementService.createJobQuery().processInstanceId(pi.getId()).singleResult()
        .getPriority()).isEqualTo(40);
  }

  @Test
  @DisplayName("a failing Twilio call is retried with the instance's retryCycle")
  void failedTwilioCallUsesRetryCycle() {
    createInteraction.fail(new IllegalStateException("Twilio 503"));
    ProcessInstance pi = start();
    // load context and timers succeed; create fails (the job keeps its exception, no incident yet)
    assertThatThrownBy(this::executeJobs).hasMessageContaining("Twilio 503");

    Job job = managementService.createJobQuery().processInstanceId(pi.getId()).singleResult();
    assertThat(job.getRetries()).isEqualTo(4); // R5/PT10S: 5 attempts, 4 left
    assertThat(job.getExceptionMessage()).contains("Twilio 503");
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-create-interaction");
  }

  // ------------------------------------------------------------------ workflow timeouts

  @Test
  @DisplayName("workflow timeout once: message, invite to the fallback workflow, then accepted/completed")
  void workflowTimeoutOnceThenCompleted() {
    ProcessInstance pi = startAndRoute();
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent")
        .hasPassedInOrder("boundary-workflow-timeout", "gateway-reroute-attempts-left",
            "task-send-workflow-timeout-message", "task-invite-to-fallback-workflow");
    assertThat(rerouteAttempts(pi)).isEqualTo(1);
    assertThat(inviteToWorkflow.values("rerouteAttempts")).containsExactly(0);
    assertThat(inviteToWorkflow.lastCall().variables())
        .containsEntry("rerouteWorkflowSid", "WW00000000000000000000000000fallback");
    assertThat(sendMessage.values("messageKey")).containsExactly("workflow-timeout");

    completeNormally();
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
  }

  @Test
  @DisplayName("workflow timeouts until maxRerouteAttempts: closing message, channel closed, timed-out")
  void workflowTimeoutsUntilMax() {
    ProcessInstance pi = startAndRoute();
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));
    assertThat(rerouteAttempts(pi)).isEqualTo(2);
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("task-send-closing-message",
        "task-close-interaction-channel-timed-out", "end-timed-out");
    assertEnded(pi, "end-timed-out", "timed-out");
    // ${rerouteAttempts + 1} yields a Long: the Java side must read the counter as a Number
    assertThat(inviteToWorkflow.values("rerouteAttempts"))
        .map(value -> ((Number) value).intValue()).containsExactly(0, 1);
    assertThat(sendMessage.values("messageKey"))
        .containsExactly("workflow-timeout", "workflow-timeout", "closing");
    assertThat(closeInteractionChannel.activityIds())
        .containsExactly("task-close-interaction-channel-timed-out");
  }

  @Test
  @DisplayName("invite refused because the channel or conversation is closed → conversation-closed, nothing closed again")
  void inviteRefusedBecauseClosed() {
    ProcessInstance pi = startAndRoute();
    inviteToWorkflow.fail(new BpmnError("CONVERSATION_CLOSED"));
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("task-send-workflow-timeout-message",
        "boundary-invite-conversation-closed");
    assertEnded(pi, "end-conversation-closed", "conversation-closed");
    assertThat(inviteToWorkflow.calls()).hasSize(1);
    assertThat(closeInteractionChannel.calls()).isEmpty();
  }

  @Test
  @DisplayName("maxRerouteAttempts 0: the first workflow timeout closes")
  void noRerouteAllowed() {
    context.put("maxRerouteAttempts", 0);
    ProcessInstance pi = startAndRoute();
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    assertEnded(pi, "end-timed-out", "timed-out");
    assertThat(inviteToWorkflow.calls()).isEmpty();
  }

  // ------------------------------------------------------------------ other terminal task events

  @Test
  @DisplayName("task canceled before any acceptance: message, channel closed")
  void taskCanceledBeforeAcceptance() {
    ProcessInstance pi = startAndRoute();
    correlate(TASK_CANCELED, Map.of("taskSid", TASK, "cancelReason", "Task TTL Exceeded"));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("boundary-task-canceled",
        "gateway-agent-ever-accepted", "task-send-task-canceled-message",
        "task-close-interaction-channel-canceled-before-accept");
    assertEnded(pi, "end-canceled-before-accept", "canceled-before-accept");
    assertThat(sendMessage.values("messageKey")).containsExactly("task-canceled");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
  }

  @Test
  @DisplayName("task canceled after acceptance: channel closed, no message")
  void taskCanceledAfterAcceptance() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_CANCELED, Map.of("taskSid", TASK, "cancelReason", "canceled by supervisor"));

    BpmnAwareTests.assertThat(pi).hasPassed("task-close-interaction-channel-canceled")
        .hasNotPassed("task-send-task-canceled-message");
    assertEnded(pi, "end-canceled", "canceled");
    assertThat(sendMessage.calls()).isEmpty();
    assertThat(closeInteractionChannel.activityIds())
        .containsExactly("task-close-interaction-channel-canceled");
  }

  @Test
  @DisplayName("task deleted: no Twilio call at all, conversation kept")
  void taskDeleted() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_DELETED, Map.of("taskSid", TASK));

    assertEnded(pi, "end-task-deleted", "task-deleted");
    assertThat(closeInteractionChannel.calls()).isEmpty();
    assertThat(sendMessage.calls()).isEmpty();
  }

  @Test
  @DisplayName("task system-deleted: channel closed")
  void taskSystemDeleted() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_SYSTEM_DELETED, Map.of("taskSid", TASK));

    assertEnded(pi, "end-system-deleted", "system-deleted");
    assertThat(closeInteractionChannel.activityIds())
        .containsExactly("task-close-interaction-channel-system-deleted");
  }

  @Test
  @DisplayName("conversation closed during the agent phase: channel closed so no task is orphaned")
  void conversationClosedDuringAgentPhase() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    correlate(CONVERSATION_CLOSED, Map.of("conversationClosedAt", new Date()));

    assertEnded(pi, "end-conversation-closed", "conversation-closed");
    assertThat(closeInteractionChannel.activityIds())
        .containsExactly("task-close-interaction-channel-conversation-closed");
  }

  // ------------------------------------------------------------------ recorded, the instance goes on

  @Test
  @DisplayName("reservation not accepted and conversation inactive are recorded without leaving the wait")
  void recordedEventsDoNotLeaveTheWait() {
    ProcessInstance pi = startAndRoute();
    correlate(RESERVATION_NOT_ACCEPTED, Map.of("lastReservationOutcome", "rejected"));
    correlate(RESERVATION_NOT_ACCEPTED, Map.of("lastReservationOutcome", "timeout"));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent")
        .hasPassed("start-reservation-not-accepted", "event-reservation-not-accepted-recorded",
            "end-reservation-not-accepted");
    assertThat(variables(pi)).containsEntry("lastReservationOutcome", "timeout");

    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(CONVERSATION_INACTIVE, Map.of("conversationInactiveAt", new Date()));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-wrapup")
        .hasPassed("event-conversation-inactive-recorded", "end-conversation-inactive");
    assertThat(variables(pi)).containsKey("conversationInactiveAt");

    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeInteractionChannel.calls()).hasSize(1);
    assertThat(sendMessage.calls()).isEmpty();
  }

  // ------------------------------------------------------------------ taskrouter mode (issue 10)

  static final String TR_PROXY = "+15550003333";

  @Test
  @DisplayName("taskrouter: accepted → agent added, wrapup → agent removed, completed → conversation closed")
  void taskRouterHappyPath() {
    ProcessInstance pi = startAndRouteTaskRouter();
    assertThat(variables(pi)).contains(entry("routingMode", "taskrouter"),
        entry("routedTaskSid", "WT00000000000000000000000000000000"));
    assertThat(createTask.lastCall().activityId()).isEqualTo("task-create-task");
    assertThat(createTask.lastCall().variables()).contains(entry("taskChannel", "chat"),
        entry("conversationSid", CH)).doesNotContainKey("targetWorkflowSid");

    correlate(RESERVATION_ACCEPTED, accepted());
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-wrapup-taskrouter");
    assertThat(addAgentToConversation.lastCall().variables())
        .containsEntry("workerSid", "WK00000000000000000000000000000001");
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion-taskrouter");
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("gateway-routing-mode", "task-create-task",
        "catch-reservation-accepted-taskrouter", "task-add-agent-to-conversation",
        "catch-task-wrapup-taskrouter", "task-remove-agent-from-conversation",
        "catch-task-completed-taskrouter", "end-agent-phase-taskrouter", "task-close-conversation",
        "end-completed");
    assertEnded(pi, "end-completed", "completed");
    assertThat(removeAgentFromConversation.activityIds())
        .containsExactly("task-remove-agent-from-conversation");
    assertThat(closeConversation.activityIds()).containsExactly("task-close-conversation");
    assertThat(closeConversation.lastCall().variables()).containsEntry("longLived", false);
    assertNoInteractionsApi();
    assertThat(cancelTask.calls()).isEmpty();
  }

  @Test
  @DisplayName("taskrouter: completed before wrapup → agent removed after completion, conversation closed")
  void taskRouterCompletedBeforeWrapup() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("catch-task-completed-before-wrapup-taskrouter",
        "task-remove-agent-after-completion", "task-close-conversation");
    assertEnded(pi, "end-completed", "completed");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: wrapup before accepted, late acceptance (no agent added), then completed")
  void taskRouterWrapupBeforeAccepted() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion-or-acceptance-taskrouter");
    correlate(RESERVATION_ACCEPTED, accepted());
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-completion-taskrouter");
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassed("catch-reservation-accepted-late-taskrouter")
        .hasNotPassed("task-add-agent-to-conversation");
    assertEnded(pi, "end-completed", "completed");
  }

  @Test
  @DisplayName("taskrouter: wrapup then completed without acceptance; completed while waiting for the agent")
  void taskRouterCompletedWithoutAcceptance() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));
    BpmnAwareTests.assertThat(pi).hasPassed("catch-task-completed-without-accept-taskrouter");
    assertEnded(pi, "end-completed", "completed");

    ProcessInstance second = startAndRouteTaskRouter();
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));
    BpmnAwareTests.assertThat(second).hasPassed("catch-task-completed-before-accept-taskrouter");
    assertEnded(second, "end-completed", "completed");
    assertThat(addAgentToConversation.calls()).isEmpty();
    assertThat(removeAgentFromConversation.calls()).isEmpty();
  }

  @Test
  @DisplayName("taskrouter + long-lived: no close timers; the close delegate sees longLived (→ inactive)")
  void taskRouterLongLived() {
    context.put("longLived", true);
    ProcessInstance pi = startAndRouteTaskRouter();
    completeNormally();

    assertThat(setCloseTimers.calls()).isEmpty();
    assertEnded(pi, "end-completed", "completed");
    assertThat(closeConversation.lastCall().variables()).containsEntry("longLived", true);
  }

  @Test
  @DisplayName("taskrouter: workflow timeout → message, NEW task in the fallback workflow, then completed")
  void taskRouterWorkflowTimeoutOnceThenCompleted() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent-taskrouter")
        .hasPassedInOrder("boundary-workflow-timeout-taskrouter",
            "gateway-reroute-attempts-left-taskrouter", "task-send-workflow-timeout-message-taskrouter",
            "task-create-task-in-fallback-workflow");
    assertThat(rerouteAttempts(pi)).isEqualTo(1);
    assertThat(createTask.activityIds())
        .containsExactly("task-create-task", "task-create-task-in-fallback-workflow");
    assertThat(createTask.lastCall().variables())
        .containsEntry("targetWorkflowSid", "WW00000000000000000000000000fallback");
    assertThat(variables(pi)).containsEntry("routedTaskSid", "WT00000000000000000000000000000001")
        .doesNotContainKey("targetWorkflowSid");
    assertThat(sendMessage.values("messageKey")).containsExactly("workflow-timeout");

    completeNormally();
    assertEnded(pi, "end-completed", "completed");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: workflow timeouts until maxRerouteAttempts → closing message, conversation closed")
  void taskRouterWorkflowTimeoutsUntilMax() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("task-send-closing-message-taskrouter",
        "task-close-conversation-timed-out", "end-timed-out");
    assertEnded(pi, "end-timed-out", "timed-out");
    assertThat(createTask.calls()).hasSize(3);
    assertThat(sendMessage.values("messageKey"))
        .containsExactly("workflow-timeout", "workflow-timeout", "closing");
    assertThat(closeConversation.activityIds()).containsExactly("task-close-conversation-timed-out");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: task canceled before acceptance → message and close; after acceptance → close")
  void taskRouterCanceled() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(TASK_CANCELED, Map.of("taskSid", TASK, "cancelReason", "Task TTL Exceeded"));
    assertEnded(pi, "end-canceled-before-accept", "canceled-before-accept");
    assertThat(sendMessage.activityIds()).containsExactly("task-send-task-canceled-message-taskrouter");
    assertThat(closeConversation.activityIds())
        .containsExactly("task-close-conversation-canceled-before-accept");

    ProcessInstance second = startAndRouteTaskRouter();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_CANCELED, Map.of("taskSid", TASK, "cancelReason", "canceled by supervisor"));
    assertEnded(second, "end-canceled", "canceled");
    assertThat(closeConversation.activityIds()).containsExactly(
        "task-close-conversation-canceled-before-accept", "task-close-conversation-canceled");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: task deleted → nothing (conversation kept); system-deleted → conversation closed")
  void taskRouterDeletedVsSystemDeleted() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_DELETED, Map.of("taskSid", TASK));
    assertEnded(pi, "end-task-deleted", "task-deleted");
    assertThat(closeConversation.calls()).isEmpty();
    assertThat(cancelTask.calls()).isEmpty();

    ProcessInstance second = startAndRouteTaskRouter();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_SYSTEM_DELETED, Map.of("taskSid", TASK));
    assertEnded(second, "end-system-deleted", "system-deleted");
    assertThat(closeConversation.activityIds()).containsExactly("task-close-conversation-system-deleted");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: conversation closed with the task open → the Task API cancels/completes it")
  void taskRouterConversationClosed() {
    ProcessInstance pi = startAndRouteTaskRouter();
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(CONVERSATION_CLOSED, Map.of("conversationClosedAt", new Date()));

    assertEnded(pi, "end-conversation-closed", "conversation-closed");
    assertThat(cancelTask.activityIds()).containsExactly("task-cancel-task-conversation-closed");
    assertThat(cancelTask.lastCall().variables()).containsKey("routedTaskSid");
    assertThat(closeConversation.calls()).isEmpty();
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: conversation closed when creating the task → closed-before-routing")
  void taskRouterConversationClosedAtCreate() {
    context.put("proxyAddress", TR_PROXY);
    createTask.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance pi = start();
    executeJobs();

    BpmnAwareTests.assertThat(pi).hasPassed("boundary-create-task-conversation-closed");
    assertEnded(pi, "end-closed-before-routing", "closed-before-routing");
    assertNoInteractionsApi();
  }

  @Test
  @DisplayName("taskrouter: conversation closed when re-routing to the fallback workflow → conversation-closed")
  void taskRouterConversationClosedAtFallbackCreate() {
    ProcessInstance pi = startAndRouteTaskRouter();
    createTask.fail(new BpmnError("CONVERSATION_CLOSED"));
    correlate(WORKFLOW_TIMEOUT, Map.of("taskSid", TASK));

    BpmnAwareTests.assertThat(pi).hasPassedInOrder("task-create-task-in-fallback-workflow",
        "boundary-create-task-in-fallback-conversation-closed");
    assertEnded(pi, "end-conversation-closed", "conversation-closed");
    assertThat(createTask.activityIds())
        .containsExactly("task-create-task", "task-create-task-in-fallback-workflow");
    assertThat(closeConversation.calls()).isEmpty();
    assertThat(cancelTask.calls()).isEmpty();
    assertNoInteractionsApi();
  }

  private ProcessInstance startAndRouteTaskRouter() {
    context.put("channelType", "sms");
    context.put("proxyAddress", TR_PROXY);
    ProcessInstance pi = start();
    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent-taskrouter");
    assertOneSubscriptionPerMessageName();
    return pi;
  }

  private void assertNoInteractionsApi() {
    assertThat(createInteraction.calls()).isEmpty();
    assertThat(closeInteractionChannel.calls()).isEmpty();
    assertThat(inviteToWorkflow.calls()).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private RecordingDelegate register(String bean,
      java.util.function.Consumer<org.camunda.bpm.engine.delegate.DelegateExecution> behaviour) {
    RecordingDelegate delegate = new RecordingDelegate(bean, behaviour);
    Mocks.register(bean, delegate);
    return delegate;
  }

  /** Starts like the inbox applier does: business key + the three start variables. */
  private ProcessInstance start() {
    Map<String, Object> vars = new HashMap<>();
    vars.put("conversationSid", CH);
    vars.put("chatServiceSid", IS);
    vars.put("retryCycle", "R5/PT10S");
    return runtimeService.startProcessInstanceByKey(PROCESS, CH, vars);
  }

  /** Starts and runs every job up to the agent phase's first wait state. */
  private ProcessInstance startAndRoute() {
    ProcessInstance pi = start();
    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-agent");
    assertOneSubscriptionPerMessageName();
    return pi;
  }

  private void completeNormally() {
    correlate(RESERVATION_ACCEPTED, accepted());
    correlate(TASK_WRAPUP, Map.of("taskSid", TASK));
    correlate(TASK_COMPLETED, Map.of("taskSid", TASK));
  }

  private static Map<String, Object> accepted() {
    return Map.of("taskSid", TASK, "workerSid", "WK00000000000000000000000000000001",
        "agentAccepted", true, "acceptedAt", new Date());
  }

  /**
   * Correlates exactly like the applier: by message name and business key only, then runs the
   * asynchronous continuations, then checks that no message name has two subscriptions.
   */
  private void correlate(String message, Map<String, Object> variables) {
    runtimeService.createMessageCorrelation(message)
        .processInstanceBusinessKey(CH)
        .setVariables(variables)
        .correlate();
    executeJobs();
    assertOneSubscriptionPerMessageName();
  }

  /** Executes due jobs until none is left (a failing job fails the test). */
  private void executeJobs() {
    for (int round = 0; round < 100; round++) {
      List<Job> jobs = managementService.createJobQuery().executable().list();
      if (jobs.isEmpty()) {
        return;
      }
      jobs.forEach(job -> BpmnAwareTests.execute(job));
    }
    throw new AssertionError("jobs keep coming: endless loop in the model?");
  }

  /** The rule of design.md: correlation by business key is never ambiguous. */
  private void assertOneSubscriptionPerMessageName() {
    List<EventSubscription> subscriptions = runtimeService.createEventSubscriptionQuery()
        .eventType("message").list();
    Map<String, Long> perName = subscriptions.stream()
        .collect(Collectors.groupingBy(EventSubscription::getEventName, Collectors.counting()));
    assertThat(perName).allSatisfy((name, count) -> assertThat(count)
        .as("subscriptions for message %s", name).isEqualTo(1L));
  }

  private int rerouteAttempts(ProcessInstance pi) {
    return ((Number) runtimeService.getVariable(pi.getId(), "rerouteAttempts")).intValue();
  }

  private Map<String, Object> variables(ProcessInstance pi) {
    return runtimeService.getVariables(pi.getId());
  }

  private void assertEnded(ProcessInstance pi, String endEventId, String outcome) {
    BpmnAwareTests.assertThat(pi).hasPassed(endEventId).isEnded();
    Object recorded = extension.getProcessEngine().getHistoryService()
        .createHistoricVariableInstanceQuery().processInstanceId(pi.getId())
        .variableName("outcome").singleResult().getValue();
    assertThat(recorded).isEqualTo(outcome);
    assertThat(runtimeService.createEventSubscriptionQuery().processInstanceId(pi.getId()).count())
        .isZero();
    assertThat(managementService.createJobQuery().processInstanceId(pi.getId()).count()).isZero();
  }
}
