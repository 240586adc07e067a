package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.management.JobDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Every branch of the lifecycle end to end: simulator inbound → signed webhooks → inbox → engine
 * → twilio-java → simulator, asserting on the simulator's state and request log.
 */
class InteractionLifecycleIT extends SandboxIT {

  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService management;
  private Sandbox sandbox;

  @BeforeEach
  void manualAgents() {
    sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
  }

  private String interactionSid(String ch) {
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.variable(ch, "interactionSid") != null);
    return sandbox.variable(ch, "interactionSid").toString();
  }

  /** Every REST call about the conversation or its tasks: none is a Task API update or delete. */
  private void assertNoTaskApiWrites(String ch) {
    List<JsonNode> tasks = sandbox.tasks(ch);
    assertThat(tasks).as("tasks of %s", ch).isNotEmpty();
    List<JsonNode> calls = new ArrayList<>(sandbox.requests(ch));
    tasks.forEach(task -> calls.addAll(sandbox.requests(task.get("sid").asText())));
    assertThat(calls).as("REST calls about %s and its tasks", ch).isNotEmpty();
    assertThat(sandbox.count(calls, "POST", "/Tasks/")).as("Task API update").isZero();
    assertThat(sandbox.count(calls, "DELETE", "/Tasks/")).as("Task API delete").isZero();
  }

  private String channelStatus(String interactionSid) {
    return sandbox.interaction(interactionSid).get("channels").get(0).get("status").asText();
  }

  @Test
  void inboundRunsToCompletionByItselfWithVirtualAgents() {
    sandbox.agents("auto");
    String ch = sandbox.inbound(Sandbox.newCustomer());

    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    List<JsonNode> calls = sandbox.requests(ch);
    assertThat(calls.stream().filter(r -> r.get("method").asText().equals("POST")
        && r.get("path").asText().endsWith("/flex-api/v1/Interactions"))).hasSize(1);
    String interaction = interactionSid(ch);
    assertThat(channelStatus(interaction)).isEqualTo("closed");
    JsonNode conversation = sandbox.conversation(ch);
    assertThat(conversation.get("state").asText()).isEqualTo("closed");
    assertThat(conversation.get("timers").get("inactive").asText()).isEqualTo("PT30M");
    assertThat(conversation.get("timers").get("closed").asText()).isEqualTo("PT24H");
    assertThat(conversation.get("messages").findValuesAsText("author")).contains("Contact Center");
    assertThat(sandbox.variable(ch, "workerSid")).asString().startsWith("WK");
    assertNoTaskApiWrites(ch);
  }

  @Test
  void laterMessagesAndRedeliveriesStartNothingNew() {
    String customer = Sandbox.newCustomer();
    String ch = sandbox.inbound(customer);
    assertThat(sandbox.inbound(customer)).isEqualTo(ch);
    assertThat(sandbox.inbound(customer)).isEqualTo(ch);
    String task = sandbox.awaitTask(ch, "pending");

    assertThat(sandbox.instances(ch)).isEqualTo(1);
    assertThat(sandbox.count(sandbox.requests(ch), "POST", "/flex-api/v1/Interactions")).isEqualTo(1);
    sandbox.task(task, "accept");
    sandbox.task(task, "wrapup");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
  }

  @Test
  void workflowTimeoutReinvitesWithTheOriginalAttributesThenTheAgentAccepts() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String first = sandbox.awaitTask(ch, "pending");
    JsonNode originalAttributes = sandbox.tasks(ch).get(0).get("attributes");
    sandbox.task(first, "timeout");

    String second = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(first)
        && t.get("status").asText().equals("pending"));
    JsonNode reinvited = sandbox.tasks(ch).stream()
        .filter(t -> t.get("sid").asText().equals(second)).findFirst().orElseThrow();
    assertThat(reinvited.get("workflowSid").asText()).isEqualTo(
        io.flexorchestrator.config.SandboxDefaults.FALLBACK_WORKFLOW_SID);
    assertThat(reinvited.get("attributes").get("conversationSid").asText()).isEqualTo(ch);
    assertThat(reinvited.get("attributes").get("orchestratorInstanceId"))
        .isEqualTo(originalAttributes.get("orchestratorInstanceId"));
    assertThat(sandbox.conversation(ch).get("messages").toString())
        .contains("looking for someone else");

    sandbox.task(second, "accept");
    sandbox.task(second, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(sandbox.interaction(interactionSid(ch)).get("channels").get(0).get("invites")).hasSize(1);
    assertNoTaskApiWrites(ch);
  }

  @Test
  void repeatedWorkflowTimeoutsEndWithAClosingMessageAndAClosedChannel() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    java.util.Set<String> timedOut = new java.util.HashSet<>();
    for (int attempt = 0; attempt <= 2; attempt++) {
      String task = sandbox.awaitTask(ch, t -> !timedOut.contains(t.get("sid").asText())
          && t.get("status").asText().equals("pending"));
      timedOut.add(task);
      sandbox.task(task, "timeout");
    }
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("timed-out");
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("closed");
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains("Please write again later");
    assertThat(sandbox.interaction(interactionSid(ch)).get("channels").get(0).get("invites")).hasSize(2);
  }

  @Test
  void taskCanceledBeforeAcceptanceClosesTheChannelAndRecordsTheReason() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "cancel", Map.of("reason", "Task TTL Exceeded"));
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("canceled-before-accept");
    assertThat(sandbox.variable(ch, "cancelReason")).isEqualTo("Task TTL Exceeded");
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("closed");
    assertNoTaskApiWrites(ch);
  }

  @Test
  void taskDeletedEndsTheLifecycleButKeepsConversationAndChannel() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    await().until(() -> Boolean.TRUE.equals(runtimeVariable(ch, "agentAccepted")));
    sandbox.task(task, "delete");

    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("task-deleted");
    String interaction = interactionSid(ch);
    assertThat(channelStatus(interaction)).isEqualTo("active");
    assertThat(sandbox.conversation(ch).get("state").asText()).isNotEqualTo("closed");
    assertThat(sandbox.count(sandbox.requests(interaction), "POST", "/Channels/")).isZero();
  }

  @Test
  void taskSystemDeletedClosesTheChannel() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    sandbox.task(task, "system-delete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("system-deleted");
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("closed");
  }

  @Test
  void conversationClosedByItsTimerWithATaskOpenEndsWithNoTaskLeftOpen() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    sandbox.awaitTask(ch, "assigned");
    sandbox.timer(ch, "closed");

    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("conversation-closed");
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("closed");
    assertThat(sandbox.tasks(ch)).allMatch(t -> List.of("completed", "canceled", "wrapping")
        .contains(t.get("status").asText()) && !t.get("status").asText().equals("assigned"));
    assertNoTaskApiWrites(ch);
  }

  @Test
  void reservationRejectedIsRecordedAndTheInteractionStillWaits() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "reserve");
    sandbox.task(task, "reject");
    await().until(() -> "rejected".equals(runtimeVariable(ch, "lastReservationOutcome")));
    assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(ch).count()).isEqualTo(1);
    sandbox.task(task, "accept");
    sandbox.task(task, "wrapup");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
  }

  @Test
  void longLivedConversationStaysOpenAndTheNextMessageStartsANewLifecycle() {
    String customer = Sandbox.newCustomer();
    String ch = sandbox.inbound(customer, "+15550002222", "sms");
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");

    assertThat(channelStatus(interactionSid(ch))).isEqualTo("inactive");
    JsonNode conversation = sandbox.conversation(ch);
    assertThat(conversation.get("state").asText()).isNotEqualTo("closed");
    assertThat(conversation.get("timers").path("closed").isMissingNode()
        || conversation.get("timers").path("closed").isNull()).as("no close timer").isTrue();

    assertThat(sandbox.inbound(customer, "+15550002222", "sms")).isEqualTo(ch);
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.instances(ch) == 2);
    String next = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(task)
        && t.get("status").asText().equals("pending"));
    sandbox.task(next, "accept");
    sandbox.task(next, "complete");
    await().atMost(Duration.ofSeconds(30)).until(() -> history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKey(ch).finished().count() == 2);
  }

  @Test
  void inviteRefusedBecauseTheConversationClosedMeanwhileEndsAsConversationClosed() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    List<JobDefinition> invites = management.createJobDefinitionQuery()
        .activityIdIn("task-invite-to-fallback-workflow").list();
    assertThat(invites).isNotEmpty();
    // the invite job is created suspended, so that the conversation closes before it runs
    invites.forEach(d -> management.suspendJobDefinitionById(d.getId()));
    try {
      sandbox.task(task, "timeout");
      String instance = lastInstanceId(ch);
      await().atMost(Duration.ofSeconds(30)).until(() -> management.createJobQuery()
          .processInstanceId(instance).activityId("task-invite-to-fallback-workflow").count() == 1);
      sandbox.timer(ch, "closed");
    } finally {
      invites.forEach(d -> management.activateJobDefinitionById(d.getId(), true));
    }

    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("conversation-closed");
    String interaction = interactionSid(ch);
    assertThat(sandbox.interaction(interaction).get("channels").get(0).get("invites")).isEmpty();
    assertThat(sandbox.count(sandbox.requests(interaction), "POST", "/Invites"))
        .as("the refused invite").isEqualTo(1);
    assertThat(runtime.createIncidentQuery().processInstanceId(lastInstanceId(ch)).count()).isZero();
  }

  @Test
  void reservationTimeoutAndRescindedAreRecordedWhileTheInteractionStillWaits() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "reserve");
    sandbox.task(task, "reservation-timeout");
    await().until(() -> "timeout".equals(runtimeVariable(ch, "lastReservationOutcome")));
    sandbox.task(task, "reserve");
    sandbox.task(task, "rescind");
    await().until(() -> "rescinded".equals(runtimeVariable(ch, "lastReservationOutcome")));

    assertThat(recorded(ch, "event-reservation-not-accepted-recorded")).isEqualTo(2);
    assertThat(runtime.getActiveActivityIds(lastInstanceId(ch))).contains("gateway-wait-for-agent");
    sandbox.task(task, "accept");
    sandbox.task(task, "wrapup");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
  }

  @Test
  void wrapupPutsTheInteractionInItsWrapupStateUntilTheTaskCompletes() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    await().until(() -> Boolean.TRUE.equals(runtimeVariable(ch, "agentAccepted")));
    sandbox.task(task, "wrapup");

    String instance = lastInstanceId(ch);
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.getActiveActivityIds(instance)
        .contains("gateway-wait-for-completion"));
    assertThat(runtimeVariable(ch, "wrapupAt")).isNotNull();
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("active");
    assertThat(sandbox.conversation(ch).get("state").asText()).isNotEqualTo("closed");

    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(channelStatus(interactionSid(ch))).isEqualTo("closed");
  }

  @Test
  void conversationInactiveIsRecordedAndTheInteractionGoesOn() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");
    sandbox.task(task, "accept");
    await().until(() -> Boolean.TRUE.equals(runtimeVariable(ch, "agentAccepted")));
    sandbox.timer(ch, "inactive");

    await().atMost(Duration.ofSeconds(30)).until(() -> runtimeVariable(ch, "conversationInactiveAt") != null);
    assertThat(recorded(ch, "event-conversation-inactive-recorded")).isEqualTo(1);
    assertThat(runtime.getActiveActivityIds(lastInstanceId(ch))).contains("gateway-wait-for-wrapup");
    sandbox.task(task, "wrapup");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
  }

  @Test
  void theConversationsAttributesReachTheInteractionsTask() {
    String alice = "WK5a5db0c5a5db0c5a5db0c5a5db0c0001";
    String ch = sandbox.inboundWithAttributes(Sandbox.newCustomer(), "+15550001111", Map.of(
        "language", "es", "tier", "gold", "known_worker_sid", alice, "autoAnswer", true));

    sandbox.awaitTask(ch, t -> true);
    JsonNode attributes = sandbox.tasks(ch).get(0).get("attributes");
    assertThat(attributes.path("language").asText()).isEqualTo("es");
    assertThat(attributes.path("tier").asText()).isEqualTo("gold");
    assertThat(attributes.path("known_worker_sid").asText()).isEqualTo(alice);
    assertThat(attributes.path("KnownAgentWorkerSid").asText()).isEqualTo(alice);
    assertThat(attributes.path("autoAnswer").asText()).isEqualTo("true");
    assertThat(sandbox.count(sandbox.requests(ch), "POST", "/flex-api/v1/Interactions")).isEqualTo(1);
  }

  private long recorded(String ch, String activityId) {
    return history.createHistoricActivityInstanceQuery().processInstanceId(lastInstanceId(ch))
        .activityId(activityId).count();
  }

  private String lastInstanceId(String ch) {
    return history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
        .orderByProcessInstanceStartTime().desc().listPage(0, 1).get(0).getId();
  }

  private Object runtimeVariable(String ch, String name) {
    var instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(ch).singleResult();
    return instance == null ? null : runtime.getVariable(instance.getId(), name);
  }
}
