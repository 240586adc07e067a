package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 10, through the simulator: the taskrouter orchestration mode (routing DMN: proxy
 * +15550003333, and +15550003334 which the IT profile also makes long-lived). The orchestrator
 * creates the TaskRouter task itself, adds/removes the agent and ends the conversation; the
 * Interactions API is never called for these conversations. One test checks the converse for the
 * interactions mode: the Task API never cancels, completes or deletes a task there.
 */
class TaskRouterModeIT extends SandboxIT {

  static final String TR_ADDRESS = "+15550003333";
  static final String TR_LONG_LIVED_ADDRESS = "+15550003334";
  static final String INTERACTIONS_ADDRESS = "+15550001111";
  static final String ALICE = "WK5a5db0c5a5db0c5a5db0c5a5db0c0001";
  static final String FALLBACK_WORKFLOW = io.flexorchestrator.config.SandboxDefaults.FALLBACK_WORKFLOW_SID;
  static final Duration WAIT = Duration.ofSeconds(40);
  private static final AtomicInteger CUSTOMERS = new AtomicInteger();
  private static final int BASE = new java.util.Random().nextInt(9000);

  @Autowired
  HistoryService history;
  @Autowired
  ManagementService management;
  @Autowired
  RuntimeService runtime;

  @Test
  @DisplayName("accept → agent added; wrapup → agent removed; complete → conversation closed; no Interactions API")
  void acceptWrapupComplete() {
    manualAgents();
    String customer = customer();
    String ch = inbound(customer, TR_ADDRESS);
    JsonNode task = awaitOpenTask(ch, null);
    String wt = task.path("sid").asText();

    JsonNode attributes = task.path("attributes");
    assertThat(task.path("taskChannel").asText()).isEqualTo("chat");
    assertThat(task.path("interactionSid").isNull() || task.path("interactionSid").isMissingNode()).isTrue();
    assertThat(attributes.path("conversationSid").asText()).isEqualTo(ch);
    assertThat(attributes.path("channelType").asText()).isEqualTo("sms");
    assertThat(attributes.path("customerIdentity").asText()).startsWith("cust_");
    assertThat(attributes.path("orchestratorInstanceId").asText()).isNotBlank();
    assertThat(attributes.toString()).doesNotContain(customer).doesNotContain(customer.substring(2));

    action(wt, "accept", Map.of("workerSid", ALICE));
    await().atMost(WAIT).until(() -> participant(ch, "agent_alice") != null);
    assertThat(participant(ch, "agent_alice").path("role").asText()).isEqualTo("agent");

    action(wt, "wrapup", Map.of());
    await().atMost(WAIT).until(() -> participant(ch, "agent_alice") == null);
    assertThat(conversation(ch).path("state").asText()).isNotEqualTo("closed");

    action(wt, "complete", Map.of());
    assertThat(awaitOutcome(ch, 1)).isEqualTo("completed");
    assertThat(conversation(ch).path("state").asText()).isEqualTo("closed");
    assertNoInteractionsApi(ch, wt);
  }

  @Test
  @DisplayName("virtual agents (auto) handle Task API tasks end to end; the orchestrator adds/removes the agent")
  void autoAgentsEndToEnd() {
    sim().put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 300,
        "wrapupAfterMs", 1500, "completeAfterMs", 500));
    try {
      String ch = inbound(customer(), TR_ADDRESS);
      assertThat(awaitOutcome(ch, 1)).isEqualTo("completed");
      List<JsonNode> calls = requestsAbout(ch);
      assertThat(calls).anySatisfy(c -> {
        assertThat(c.path("method").asText()).isEqualTo("POST");
        assertThat(c.path("path").asText()).endsWith("/Participants");
        assertThat(c.path("params").toString()).contains("agent_");
      });
      assertThat(calls).anySatisfy(c -> assertThat(c.path("method").asText()).isEqualTo("DELETE"));
      assertThat(conversation(ch).path("state").asText()).isEqualTo("closed");
      assertNoInteractionsApi(ch, null);
    } finally {
      manualAgents();
    }
  }

  @Test
  @DisplayName("long-lived: completion leaves the conversation inactive; the next message starts a new instance on it")
  void longLivedConversationStaysAndNextMessageStartsNewInstance() {
    manualAgents();
    String customer = customer();
    String ch = inbound(customer, TR_LONG_LIVED_ADDRESS);
    String first = awaitOpenTask(ch, null).path("sid").asText();
    action(first, "accept", Map.of("workerSid", ALICE));
    await().atMost(WAIT).until(() -> participant(ch, "agent_alice") != null);
    action(first, "wrapup", Map.of());
    action(first, "complete", Map.of());
    assertThat(awaitOutcome(ch, 1)).isEqualTo("completed");
    assertThat(conversation(ch).path("state").asText()).isEqualTo("inactive");
    assertThat(participant(ch, "agent_alice")).isNull();

    JsonNode again = sim().post("/sim/control/inbound", Map.of("from", customer,
        "to", TR_LONG_LIVED_ADDRESS, "body", "me again", "channel", "sms")).json();
    assertThat(again.path("conversationSid").asText()).isEqualTo(ch);
    assertThat(again.path("createdConversation").asBoolean()).isFalse();
    String second = awaitOpenTask(ch, first).path("sid").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch).count())
        .isEqualTo(2);
    assertThat(conversation(ch).path("messages").size()).isGreaterThanOrEqualTo(2);

    action(second, "delete", Map.of());
    assertThat(awaitOutcome(ch, 2)).isEqualTo("task-deleted");
    assertNoInteractionsApi(ch, second);
  }

  @Test
  @DisplayName("workflow timeout → message and a NEW task in the fallback workflow, N times, then closed")
  void workflowTimeoutReroutesThenCloses() {
    manualAgents();
    String ch = inbound(customer(), TR_ADDRESS);
    String first = awaitOpenTask(ch, null).path("sid").asText();

    action(first, "timeout", Map.of());
    JsonNode rerouted = awaitOpenTask(ch, first);
    String second = rerouted.path("sid").asText();
    assertThat(rerouted.path("workflowSid").asText()).isEqualTo(FALLBACK_WORKFLOW);
    assertThat(rerouted.path("attributes").path("conversationSid").asText()).isEqualTo(ch);
    await().atMost(WAIT).until(() -> conversation(ch).path("messages").toString()
        .contains("workflow-timeout"));

    action(second, "timeout", Map.of());
    String third = awaitOpenTask(ch, second).path("sid").asText();
    action(third, "timeout", Map.of());

    assertThat(awaitOutcome(ch, 1)).isEqualTo("timed-out");
    assertThat(conversation(ch).path("state").asText()).isEqualTo("closed");
    assertThat(conversation(ch).path("messages").toString()).contains("closing");
    assertNoInteractionsApi(ch, third);
  }

  @Test
  @DisplayName("conversation closed before the re-route creates the fallback task → conversation-closed, no new task")
  void conversationClosedBeforeTheFallbackTaskEndsAsConversationClosed() {
    manualAgents();
    String ch = inbound(customer(), TR_ADDRESS);
    String first = awaitOpenTask(ch, null).path("sid").asText();
    List<JobDefinition> creates = management.createJobDefinitionQuery()
        .activityIdIn("task-create-task-in-fallback-workflow").list();
    assertThat(creates).isNotEmpty();
    // the create job is created suspended, so that the conversation closes before it runs
    creates.forEach(d -> management.suspendJobDefinitionById(d.getId()));
    try {
      action(first, "timeout", Map.of());
      String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
          .singleResult().getId();
      await().atMost(WAIT).until(() -> management.createJobQuery().processInstanceId(instance)
          .activityId("task-create-task-in-fallback-workflow").count() == 1);
      sim().post("/sim/control/conversations/" + ch + "/timer", Map.of("to", "closed"));
    } finally {
      creates.forEach(d -> management.activateJobDefinitionById(d.getId(), true));
    }

    assertThat(awaitOutcome(ch, 1)).isEqualTo("conversation-closed");
    assertThat(sim().get("/sim/control/state/tasks?conversationSid=" + ch).json()).hasSize(1);
    String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
        .singleResult().getId();
    assertThat(runtime.createIncidentQuery().processInstanceId(instance).count()).isZero();
    assertNoInteractionsApi(ch, first);
  }

  @Test
  @DisplayName("task canceled → (message) and conversation closed")
  void taskCanceledClosesConversation() {
    manualAgents();
    String ch = inbound(customer(), TR_ADDRESS);
    String wt = awaitOpenTask(ch, null).path("sid").asText();
    action(wt, "cancel", Map.of("reason", "supervisor canceled it"));

    assertThat(awaitOutcome(ch, 1)).isEqualTo("canceled-before-accept");
    assertThat(conversation(ch).path("state").asText()).isEqualTo("closed");
    assertNoInteractionsApi(ch, wt);
  }

  @Test
  @DisplayName("task.deleted keeps the conversation; task.system-deleted closes it")
  void deletedVersusSystemDeleted() {
    manualAgents();
    String kept = inbound(customer(), TR_ADDRESS);
    String deleted = awaitOpenTask(kept, null).path("sid").asText();
    action(deleted, "accept", Map.of("workerSid", ALICE));
    await().atMost(WAIT).until(() -> participant(kept, "agent_alice") != null);
    action(deleted, "delete", Map.of());
    assertThat(awaitOutcome(kept, 1)).isEqualTo("task-deleted");
    assertThat(conversation(kept).path("state").asText()).isEqualTo("active");

    String closed = inbound(customer(), TR_ADDRESS);
    String systemDeleted = awaitOpenTask(closed, null).path("sid").asText();
    action(systemDeleted, "system-delete", Map.of());
    assertThat(awaitOutcome(closed, 1)).isEqualTo("system-deleted");
    assertThat(conversation(closed).path("state").asText()).isEqualTo("closed");
    assertNoInteractionsApi(kept, deleted);
    assertNoInteractionsApi(closed, systemDeleted);
  }

  @Test
  @DisplayName("conversation closed by its timer with the task assigned → the Task API completes the task")
  void conversationClosedEndsTheOpenTask() {
    manualAgents();
    String ch = inbound(customer(), TR_ADDRESS);
    String wt = awaitOpenTask(ch, null).path("sid").asText();
    action(wt, "accept", Map.of("workerSid", ALICE));
    await().atMost(WAIT).until(() -> participant(ch, "agent_alice") != null);

    sim().post("/sim/control/conversations/" + ch + "/timer", Map.of("to", "closed"));
    assertThat(awaitOutcome(ch, 1)).isEqualTo("conversation-closed");
    assertThat(taskStatus(ch, wt)).isEqualTo("completed");
    assertThat(requestsAbout(wt)).anySatisfy(c -> {
      assertThat(c.path("method").asText()).isEqualTo("POST");
      assertThat(c.path("path").asText()).endsWith("/Tasks/" + wt);
      assertThat(c.path("params").toString()).contains("AssignmentStatus").contains("completed");
    });
    assertNoInteractionsApi(ch, wt);
  }

  @Test
  @DisplayName("interactions mode: the Task API never cancels, completes or deletes a task")
  void interactionsModeNeverEndsTasksThroughTheTaskApi() {
    manualAgents();
    String completed = inbound(customer(), INTERACTIONS_ADDRESS);
    String wt1 = awaitOpenTask(completed, null).path("sid").asText();
    action(wt1, "accept", Map.of("workerSid", ALICE));
    action(wt1, "wrapup", Map.of());
    action(wt1, "complete", Map.of());
    assertThat(awaitOutcome(completed, 1)).isEqualTo("completed");

    String closed = inbound(customer(), INTERACTIONS_ADDRESS);
    String wt2 = awaitOpenTask(closed, null).path("sid").asText();
    action(wt2, "accept", Map.of("workerSid", ALICE));
    sim().post("/sim/control/conversations/" + closed + "/timer", Map.of("to", "closed"));
    // the sim closes the interaction channel, which completes the task: task.completed and the
    // conversation's state webhook race each other (delivered in parallel), either ending is fine here
    assertThat(awaitOutcome(closed, 1)).isIn("conversation-closed", "completed");

    String canceled = inbound(customer(), INTERACTIONS_ADDRESS);
    String wt3 = awaitOpenTask(canceled, null).path("sid").asText();
    action(wt3, "cancel", Map.of());
    assertThat(awaitOutcome(canceled, 1)).isEqualTo("canceled-before-accept");

    Map<String, String> taskOf = Map.of(completed, wt1, closed, wt2, canceled, wt3);
    taskOf.forEach((ch, wt) -> {
      List<JsonNode> about = new ArrayList<>(requestsAbout(ch));
      about.addAll(requestsAbout(wt));
      assertThat(about).as("REST calls about %s and %s", ch, wt).isNotEmpty();
      assertThat(about).noneSatisfy(c -> {
        boolean taskApi = c.path("path").asText().contains("/Tasks/");
        boolean update = c.path("method").asText().equals("POST") && taskApi
            && c.path("params").toString().contains("AssignmentStatus");
        boolean delete = c.path("method").asText().equals("DELETE") && taskApi;
        assertThat(update || delete).isTrue();
      });
    });
    // and these went through the Interactions API
    assertThat(requestsAbout(completed)).anySatisfy(c ->
        assertThat(c.path("path").asText()).contains("/Interactions"));
  }

  @Test
  @DisplayName("the conversation's attributes (language, tier, known agent, autoAnswer) reach the created task")
  void conversationAttributesReachTheTask() {
    manualAgents();
    JsonNode reply = sim().post("/sim/control/inbound", Map.of("from", customer(), "to", TR_ADDRESS,
        "body", "hola", "channel", "sms", "attributes", Map.of("customer", Map.of("language", "es"),
            "tier", "gold", "KnownAgentWorkerSid", ALICE, "autoAnswer", "true"))).json();
    assertThat(reply.path("createdConversation").asBoolean()).as("fresh conversation: %s", reply).isTrue();
    String ch = reply.path("conversationSid").asText();

    JsonNode attributes = awaitOpenTask(ch, null).path("attributes");
    assertThat(attributes.path("language").asText()).isEqualTo("es");
    assertThat(attributes.path("tier").asText()).isEqualTo("gold");
    assertThat(attributes.path("known_worker_sid").asText()).isEqualTo(ALICE);
    assertThat(attributes.path("contact_uri").asText()).isNotBlank();
    assertThat(attributes.path("autoAnswer").asText()).isEqualTo("true");
    assertNoInteractionsApi(ch, null);
  }

  // ------------------------------------------------------------------ helpers

  private void manualAgents() {
    assertThat(sim().put("/sim/control/agents", Map.of("mode", "manual")).status()).isEqualTo(200);
  }

  /** A phone number no other test uses. */
  private static String customer() {
    return "+1555710" + String.format("%04d", (BASE + CUSTOMERS.incrementAndGet()) % 10000);
  }

  private String inbound(String from, String to) {
    JsonNode reply = sim().post("/sim/control/inbound", Map.of("from", from, "to", to,
        "body", "hello", "channel", "sms")).json();
    assertThat(reply.path("createdConversation").asBoolean()).as("fresh conversation: %s", reply).isTrue();
    return reply.path("conversationSid").asText();
  }

  private JsonNode awaitOpenTask(String ch, String other) {
    JsonNode[] found = new JsonNode[1];
    await().atMost(WAIT).until(() -> {
      for (JsonNode t : sim().get("/sim/control/state/tasks?conversationSid=" + ch).json()) {
        String status = t.path("status").asText();
        if (!t.path("sid").asText().equals(other)
            && List.of("pending", "reserved", "assigned", "wrapping").contains(status)) {
          found[0] = t;
          return true;
        }
      }
      return false;
    });
    return found[0];
  }

  private String taskStatus(String ch, String wt) {
    for (JsonNode t : sim().get("/sim/control/state/tasks?conversationSid=" + ch).json()) {
      if (t.path("sid").asText().equals(wt)) {
        return t.path("status").asText();
      }
    }
    return null;
  }

  private void action(String wt, String action, Map<String, Object> body) {
    int status = sim().post("/sim/control/tasks/" + wt + "/" + action, body).status();
    assertThat(status).as("%s %s", action, wt).isBetween(200, 299);
  }

  private JsonNode conversation(String ch) {
    return sim().get("/sim/control/state/conversations/" + ch).json();
  }

  private JsonNode participant(String ch, String identity) {
    for (JsonNode p : conversation(ch).path("participants")) {
      if (identity.equals(p.path("identity").asText())) {
        return p;
      }
    }
    return null;
  }

  /** Waits until the conversation's n-th lifecycle instance has ended; its outcome. */
  private String awaitOutcome(String ch, int instances) {
    await().atMost(WAIT).until(() -> history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKey(ch).finished().count() >= instances);
    HistoricProcessInstance last = history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKey(ch).finished().orderByProcessInstanceEndTime().desc().list().get(0);
    return (String) history.createHistoricVariableInstanceQuery().processInstanceId(last.getId())
        .variableName("outcome").singleResult().getValue();
  }

  private List<JsonNode> requestsAbout(String text) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode request : sim().get("/sim/control/requests").json()) {
      if (request.toString().contains(text)) {
        found.add(request);
      }
    }
    return found;
  }

  private void assertNoInteractionsApi(String ch, String wt) {
    List<JsonNode> about = new ArrayList<>(requestsAbout(ch));
    if (wt != null) {
      about.addAll(requestsAbout(wt));
    }
    assertThat(about).isNotEmpty();
    assertThat(about).noneSatisfy(c -> assertThat(c.path("path").asText()).contains("/Interactions"));
  }
}
