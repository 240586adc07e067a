package io.flexorchestrator.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Agent operations through the API and the simulator: outbound, transfers, park, customers. */
class AgentOperationsIT extends SandboxIT {

  static final String ALICE = "WK5a5db0c5a5db0c5a5db0c5a5db0c0001";
  static final String BOB = "WK5a5db0c5a5db0c5a5db0c5a5db0c0002";
  static final String CAROL = "WK5a5db0c5a5db0c5a5db0c5a5db0c0003";
  static final String QUEUE = "WQ5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  static final String PROXY = "+15550001111";
  static final String WHATSAPP_PROXY = "+15550002222";
  static final String TASKROUTER_PROXY = "+15550003333"; // routing DMN rule rule-taskrouter-demo-address
  static final String LONG_LIVED_PROXY = "+15550002222"; // orchestrator.routing.long-lived-addresses (IT)
  static final String TEMPLATE = "HX0123456789abcdef0123456789abcdef";

  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  private Sandbox sandbox;

  @BeforeEach
  void manualAgents() {
    sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
  }

  private HttpJson.Reply outbound(Map<String, Object> extra) {
    Map<String, Object> body = new HashMap<>(Map.of("channel", "sms", "from", PROXY,
        "workerSid", ALICE, "queueSid", QUEUE));
    body.putAll(extra);
    return operator().post("/api/interactions/outbound", body);
  }

  private void accept(String task, String worker) {
    HttpJson.Reply r = sim().post("/sim/control/tasks/" + task + "/accept",
        worker == null ? Map.of() : Map.of("workerSid", worker));
    assertThat(r.status()).as(r.body()).isLessThan(300);
  }

  private JsonNode task(String ch, String sid) {
    return sandbox.tasks(ch).stream().filter(t -> t.get("sid").asText().equals(sid)).findFirst()
        .orElseThrow();
  }

  private String outcome(String processKey, String ch) {
    String[] outcome = new String[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      List<HistoricProcessInstance> ended = history.createHistoricProcessInstanceQuery()
          .processDefinitionKey(processKey).processInstanceBusinessKey(ch).finished()
          .orderByProcessInstanceEndTime().desc().list();
      if (ended.isEmpty()) {
        return false;
      }
      HistoricVariableInstance v = history.createHistoricVariableInstanceQuery()
          .processInstanceId(ended.get(0).getId()).variableName("outcome").singleResult();
      outcome[0] = v == null ? null : String.valueOf(v.getValue());
      return true;
    });
    return outcome[0];
  }

  private boolean running(String processKey, String ch) {
    return runtime.createProcessInstanceQuery().processDefinitionKey(processKey)
        .processInstanceBusinessKey(ch).count() > 0;
  }

  private Object lifecycleVariable(String ch, String name) {
    var instance = runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .processInstanceBusinessKey(ch).singleResult();
    return instance == null ? null : runtime.getVariable(instance.getId(), name);
  }

  /** Waits until the conversation's park-interaction instance waits for the customer or unpark. */
  private void awaitParked(String ch) {
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.createProcessInstanceQuery()
        .processDefinitionKey("park-interaction").processInstanceBusinessKey(ch).list().stream()
        .anyMatch(p -> runtime.createEventSubscriptionQuery().processInstanceId(p.getId())
            .eventName("UnparkRequested").count() == 1));
  }

  /** An inbound conversation accepted by alice, with the lifecycle in its agent phase. */
  private String acceptedInbound(String customer) {
    String ch = sandbox.inbound(customer);
    String task = sandbox.awaitTask(ch, "pending");
    accept(task, ALICE);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Boolean.TRUE.equals(lifecycleVariable(ch, "agentAccepted")));
    return ch;
  }

  // ------------------------------------------------------------ outbound

  @Test
  void outboundCreatesAnAgentInitiatedInteractionRoutedToTheAgentAndRunsToCompletion() {
    String customer = Sandbox.newCustomer();
    HttpJson.Reply reply = outbound(Map.of("to", customer, "body", "Hi, about your order"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    String ch = reply.json().get("conversationSid").asText();
    assertThat(reply.json().get("interactionSid").asText()).startsWith("KD");
    assertThat(reply.json().get("channelSid").asText()).startsWith("UO");

    String task = sandbox.awaitTask(ch, "pending");
    JsonNode attributes = task(ch, task).get("attributes");
    assertThat(attributes.get("direction").asText()).isEqualTo("outbound");
    assertThat(attributes.get("initiatedBy").asText()).isEqualTo("agent");
    // the task names its lifecycle, as for inbound: the system checkup finds it by that
    assertThat(attributes.get("orchestratorInstanceId").asText()).isEqualTo(runtime
        .createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .processInstanceBusinessKey(ch).singleResult().getId());
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains("about your order");
    List<JsonNode> creates = sandbox.requests("initiated_by");
    assertThat(creates.toString()).contains("agent").contains(ALICE).contains(QUEUE);

    accept(task, null); // the sim picks the known agent (worker_sid)
    assertThat(task(ch, task).toString()).contains(ALICE);
    // the customer answers: no second lifecycle
    sandbox.inbound(customer);
    sandbox.task(task, "wrapup");
    sandbox.task(task, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
    assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .processInstanceBusinessKey(ch).count()).isEqualTo(1);
    // only the outbound request created an interaction; the lifecycle kept it
    assertThat(sandbox.count(sandbox.requests(ch), "POST", "/flex-api/v1/Interactions")).isEqualTo(1);
  }

  @Test
  void outboundWhileTheCustomerIsInAnOpenConversationAnswers409WithItsSid() {
    String customer = Sandbox.newCustomer();
    String open = sim().post("/sim/control/conversations", Map.of("from", customer, "to", PROXY))
        .json().get("conversationSid").asText();
    HttpJson.Reply reply = outbound(Map.of("to", customer));
    assertThat(reply.status()).as(reply.body()).isEqualTo(409);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(open);
    assertThat(reply.json().get("error").asText()).isNotBlank();
  }

  @Test
  void outboundRaceWithTheLookupMissingAnswers409From50416AndDeletesItsConversation() {
    String customer = Sandbox.newCustomer();
    String open = sim().post("/sim/control/conversations", Map.of("from", customer, "to", PROXY))
        .json().get("conversationSid").asText();
    sim().put("/sim/control/lookups", Map.of("hideAddress", customer));
    try {
      HttpJson.Reply reply = outbound(Map.of("to", customer));
      assertThat(reply.status()).as(reply.body()).isEqualTo(409);
      assertThat(reply.json().get("conversationSid").asText()).isEqualTo(open);
      List<JsonNode> deletes = sandbox.requests("/conversations/v1/Conversations/CH").stream()
          .filter(r -> r.get("method").asText().equals("DELETE")).toList();
      assertThat(deletes).isNotEmpty();
    } finally {
      sim().put("/sim/control/lookups", Map.of("showAddress", customer));
    }
  }

  @Test
  void outboundChatWhileTheIdentityIsInAnOpenConversationAnswers409WithItsSid() {
    String identity = "visitor-" + Sandbox.newCustomer().substring(5);
    String open = sim().post("/sim/control/conversations", Map.of("from", identity, "channel", "chat"))
        .json().get("conversationSid").asText();
    HttpJson.Reply reply = operator().post("/api/interactions/outbound", Map.of("channel", "chat",
        "to", identity, "workerSid", ALICE, "queueSid", QUEUE));
    assertThat(reply.status()).as(reply.body()).isEqualTo(409);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(open);
    assertThat(reply.json().get("error").asText()).isNotBlank();
  }

  // ------------------------------------------------------------ outbound "reuse": true

  @Test
  void reuseInvitesTheAgentIntoTheCustomersInactiveConversationAndRunsItsLifecycle() {
    String customer = Sandbox.newCustomer();
    String ch = sandbox.inbound(customer, LONG_LIVED_PROXY, "sms"); // long-lived: stays inactive
    String first = sandbox.awaitTask(ch, "pending");
    accept(first, ALICE);
    sandbox.task(first, "wrapup");
    sandbox.task(first, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
    String interactionSid = String.valueOf(sandbox.variable(ch, "interactionSid"));
    String channelSid = String.valueOf(sandbox.variable(ch, "channelSid"));
    assertThat(sandbox.conversation(ch).get("state").asText()).isNotEqualTo("closed");

    HttpJson.Reply withoutReuse = outbound(Map.of("to", customer, "from", LONG_LIVED_PROXY,
        "workerSid", BOB));
    assertThat(withoutReuse.status()).isEqualTo(409);
    HttpJson.Reply reply = outbound(Map.of("to", customer, "from", LONG_LIVED_PROXY,
        "workerSid", BOB, "reuse", true, "body", "Hi again, about your order"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(reply.json().get("interactionSid").asText()).isEqualTo(interactionSid);
    assertThat(reply.json().get("channelSid").asText()).isEqualTo(channelSid);
    assertThat(reply.json().size()).isEqualTo(3); // the contract's 201 shape

    // an Invite on the earlier channel, known-agent routing, the original attributes + agent-initiated
    assertThat(sandbox.count(sandbox.requests(channelSid), "POST", "/Invites")).isEqualTo(1);
    String invited = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(first)
        && t.get("status").asText().equals("pending"));
    JsonNode attributes = task(ch, invited).get("attributes");
    JsonNode original = task(ch, first).get("attributes");
    assertThat(attributes.get("initiatedBy").asText()).isEqualTo("agent");
    assertThat(attributes.get("direction").asText()).isEqualTo("outbound");
    assertThat(attributes.get("known_worker_sid").asText()).isEqualTo(BOB);
    original.fieldNames().forEachRemaining(key -> {
      if (!List.of("flexInteractionSid", "flexInteractionChannelSid", "flexChannelInviteSid",
          "conversations", "orchestratorInstanceId", "direction", "initiatedBy").contains(key)) {
        assertThat(attributes.get(key)).as("original attribute %s", key).isEqualTo(original.get(key));
      }
    });
    assertThat(attributes.get("orchestratorInstanceId").asText())
        .isEqualTo(runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
            .processInstanceBusinessKey(ch).singleResult().getId());
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains("about your order");
    assertThat(lifecycleVariable(ch, "outbound")).isEqualTo(true);

    accept(invited, null);
    assertThat(task(ch, invited).toString()).contains(BOB);
    sandbox.task(invited, "wrapup");
    sandbox.task(invited, "complete");
    await().atMost(Duration.ofSeconds(60)).until(() -> history.createHistoricProcessInstanceQuery()
        .processDefinitionKey("interaction-lifecycle").processInstanceBusinessKey(ch).finished()
        .count() == 2);
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void reuseOfAConversationCreatedOutsideFlexCreatesAnInteractionOnIt() {
    String customer = Sandbox.newCustomer();
    String open = sim().post("/sim/control/conversations", Map.of("from", customer, "to", PROXY))
        .json().get("conversationSid").asText();
    HttpJson.Reply reply = outbound(Map.of("to", customer, "reuse", true));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(open);
    assertThat(reply.json().get("interactionSid").asText()).startsWith("KD");
    List<JsonNode> creates = sandbox.requests(open).stream()
        .filter(r -> r.get("path").asText().endsWith("/flex-api/v1/Interactions")).toList();
    assertThat(creates).hasSize(1);
    assertThat(creates.get(0).toString()).contains("media_channel_sid").contains("agent").contains(ALICE);
    String task = sandbox.awaitTask(open, "pending");
    accept(task, null);
    assertThat(task(open, task).toString()).contains(ALICE);
    sandbox.task(task, "complete");
    assertThat(outcome("interaction-lifecycle", open)).isEqualTo("completed");
  }

  @Test
  void reuseAfterThe50416RaceUsesTheConversationNamedByTheError() {
    String customer = Sandbox.newCustomer();
    String open = sim().post("/sim/control/conversations", Map.of("from", customer, "to", PROXY))
        .json().get("conversationSid").asText();
    sim().put("/sim/control/lookups", Map.of("hideAddress", customer));
    try {
      HttpJson.Reply reply = outbound(Map.of("to", customer, "reuse", true));
      assertThat(reply.status()).as(reply.body()).isEqualTo(201);
      assertThat(reply.json().get("conversationSid").asText()).isEqualTo(open);
      assertThat(sandbox.awaitTask(open, "pending")).startsWith("WT");
    } finally {
      sim().put("/sim/control/lookups", Map.of("showAddress", customer));
    }
  }

  @Test
  void reuseOfAConversationWithAnActiveTaskAnswers409WithItsSid() {
    String customer = Sandbox.newCustomer();
    String ch = acceptedInbound(customer);
    HttpJson.Reply reply = outbound(Map.of("to", customer, "workerSid", BOB, "reuse", true));
    assertThat(reply.status()).as(reply.body()).isEqualTo(409);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(reply.json().get("error").asText()).contains("active task");
    assertThat(operator().post("/api/interactions/outbound", Map.of("channel", "sms", "to", customer,
        "from", PROXY, "workerSid", ALICE, "queueSid", QUEUE, "reuse", "yes")).status()).isEqualTo(400);
  }

  @Test
  void reuseOfAParkedConversationResumesItToTheRequestingAgent() {
    String customer = Sandbox.newCustomer();
    String ch = acceptedInbound(customer);
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    awaitParked(ch);
    HttpJson.Reply reply = outbound(Map.of("to", customer, "workerSid", BOB, "reuse", true));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(reply.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(reply.json().get("channelSid").asText()).isEqualTo(lifecycleVariable(ch, "channelSid"));
    assertThat(outcome("park-interaction", ch)).isEqualTo("resumed");
    String resumed = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    accept(resumed, null);
    assertThat(task(ch, resumed).toString()).contains(BOB);
    await().atMost(Duration.ofSeconds(30)).until(() -> BOB.equals(lifecycleVariable(ch, "workerSid")));
    sandbox.task(resumed, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void reuseOfAWhatsAppConversationOutsideTheCustomerWindowNeedsATemplate() {
    String customer = Sandbox.newCustomer();
    // the customer's conversation (no task), last written 25 hours ago
    String ch = sim().post("/sim/control/conversations", Map.of("from", customer, "to", WHATSAPP_PROXY,
        "channel", "whatsapp", "ageSeconds", 25 * 3600)).json().get("conversationSid").asText();
    Map<String, Object> request = new HashMap<>(Map.of("channel", "whatsapp", "to", customer,
        "from", WHATSAPP_PROXY, "workerSid", ALICE, "queueSid", QUEUE, "reuse", true));
    request.put("body", "Hello again");
    HttpJson.Reply freeText = operator().post("/api/interactions/outbound", request);
    assertThat(freeText.status()).as(freeText.body()).isEqualTo(400);
    assertThat(freeText.json().get("error").asText()).contains("template");
    assertThat(freeText.json().get("reason").asText()).isEqualTo("whatsapp-window-closed");
    assertThat(freeText.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(running("interaction-lifecycle", ch)).isFalse(); // nothing done
    request.remove("body");
    request.put("contentSid", TEMPLATE);
    HttpJson.Reply template = operator().post("/api/interactions/outbound", request);
    assertThat(template.status()).as(template.body()).isEqualTo(201);
    assertThat(template.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains(TEMPLATE);
  }

  @Test
  void outboundValidationAndWhatsAppWindow() {
    assertThat(outbound(Map.of()).status()).isEqualTo(400);
    assertThat(outbound(Map.of("to", "nope")).status()).isEqualTo(400);
    HttpJson.Reply freeText = operator().post("/api/interactions/outbound", Map.of(
        "channel", "whatsapp", "to", Sandbox.newCustomer(), "from", "+15550002222",
        "workerSid", ALICE, "queueSid", QUEUE, "body", "hello"));
    assertThat(freeText.status()).isEqualTo(400);
    assertThat(freeText.json().get("error").asText()).contains("template");
    HttpJson.Reply template = operator().post("/api/interactions/outbound", Map.of(
        "channel", "whatsapp", "to", Sandbox.newCustomer(), "from", "+15550002222",
        "workerSid", ALICE, "queueSid", QUEUE,
        "contentSid", "HX0123456789abcdef0123456789abcdef", "contentVariables", Map.of("1", "Ann")));
    assertThat(template.status()).as(template.body()).isEqualTo(201);
  }

  @Test
  void outboundChatIdentityNeverContainsTheAddress() {
    String phone = Sandbox.newCustomer();
    HttpJson.Reply reply = operator().post("/api/interactions/outbound", Map.of("channel", "chat",
        "to", phone, "workerSid", ALICE, "queueSid", QUEUE));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    String ch = reply.json().get("conversationSid").asText();
    JsonNode conversation = sandbox.conversation(ch);
    assertThat(conversation.toString()).doesNotContain(phone).contains("cust_");
    String email = "ann" + phone.substring(5) + "@example.com";
    HttpJson.Reply byEmail = operator().post("/api/interactions/outbound", Map.of("channel", "chat",
        "to", email, "workerSid", ALICE, "queueSid", QUEUE));
    assertThat(byEmail.status()).isEqualTo(201);
    assertThat(sandbox.conversation(byEmail.json().get("conversationSid").asText()).toString())
        .doesNotContain(email);
  }

  // ------------------------------------------------------------ transfers

  @Test
  void coldTransferToAQueueClosesTheTransferringAgentOnlyWhenTheTargetAccepts() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    HttpJson.Reply reply = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    assertThat(reply.json().get("inviteSid").asText()).startsWith("KG");

    String target = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    JsonNode attributes = task(ch, target).get("attributes");
    assertThat(attributes.get("transferMode").asText()).isEqualTo("cold");
    assertThat(attributes.get("transfer_excluded_workers").toString()).contains(ALICE);
    assertThat(attributes.get("orchestratorInstanceId")).isNotNull(); // original attributes
    assertThat(task(ch, original).get("status").asText()).isEqualTo("assigned");

    accept(target, null); // the sim skips the excluded alice
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("transferred");
    await().atMost(Duration.ofSeconds(30)).until(() -> task(ch, original).get("status").asText()
        .equals("completed"));
    assertThat(running("interaction-lifecycle", ch)).isTrue();
    assertThat(lifecycleVariable(ch, "taskSid")).isEqualTo(target);

    sandbox.task(target, "wrapup");
    sandbox.task(target, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void warmTransferToAWorkerKeepsBothAgentsUntilTheLastLeaves() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    HttpJson.Reply reply = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("workerSid", CAROL, "mode", "warm"));
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    String target = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    accept(target, null);
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("agent-added");
    assertThat(task(ch, target).toString()).contains(CAROL);
    assertThat(task(ch, original).get("status").asText()).isEqualTo("assigned");

    sandbox.task(original, "complete"); // alice leaves: carol stays
    await().atMost(Duration.ofSeconds(30)).until(() -> target.equals(lifecycleVariable(ch, "taskSid")));
    assertThat(running("interaction-lifecycle", ch)).isTrue();
    sandbox.task(target, "wrapup");
    sandbox.task(target, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void transferWhoseTargetTimesOutLeavesTheCustomerWithTheOriginalAgent() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold")).status()).isEqualTo(202);
    String target = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    sandbox.task(target, "timeout");
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("transfer-failed");
    assertThat(task(ch, original).get("status").asText()).isEqualTo("assigned");
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains("could not reach a colleague");
    assertThat(running("interaction-lifecycle", ch)).isTrue();
    sandbox.task(original, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void transferErrors() {
    assertThat(operator().post("/api/interactions/CH00000000000000000000000000000000/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold")).status()).isEqualTo(404);
    String ch = sandbox.inbound(Sandbox.newCustomer());
    sandbox.awaitTask(ch, "pending");
    await().atMost(Duration.ofSeconds(30)).until(() -> lifecycleVariable(ch, "channelSid") != null);
    HttpJson.Reply noAgent = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold"));
    assertThat(noAgent.status()).isEqualTo(409);
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("mode", "cold")).status()).isEqualTo(400);
  }

  @Test
  void pendingInvitesKeepTheChannelOpenAfterTheLastAgentLeftAndItClosesWhenNoneIsLeft() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    HttpJson.Reply toCarol = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("workerSid", CAROL, "mode", "warm"));
    HttpJson.Reply toQueue = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold"));
    assertThat(toCarol.status()).as(toCarol.body()).isEqualTo(202);
    assertThat(toQueue.status()).as(toQueue.body()).isEqualTo(202);
    String carolInvite = toCarol.json().get("inviteSid").asText();
    assertThat(toQueue.json().get("inviteSid").asText()).isNotEqualTo(carolInvite);
    // the same request again while its invite is pending: the same invite
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("workerSid", CAROL, "mode", "warm")).json().get("inviteSid").asText())
        .isEqualTo(carolInvite);
    assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("transfer-interaction")
        .processInstanceBusinessKey(ch).count()).isEqualTo(2);
    String carolTask = sandbox.awaitTask(ch, t -> t.get("attributes").path("transferTarget").asText()
        .equals(CAROL));
    String queueTask = sandbox.awaitTask(ch, t -> t.get("attributes").path("transferTarget").asText()
        .equals(QUEUE));

    sandbox.task(original, "wrapup");
    sandbox.task(original, "complete"); // alice leaves: only the customer, two invites pending
    await().atMost(Duration.ofSeconds(30)).until(() -> original.equals(lifecycleVariable(ch, "agentLeftTaskSid")));
    assertThat(running("interaction-lifecycle", ch)).isTrue();
    assertThat(sandbox.conversation(ch).get("state").asText()).isNotEqualTo("closed");

    sandbox.task(carolTask, "timeout"); // one invite fails: the other is still pending
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("transfer-failed-no-agent");
    assertThat(running("interaction-lifecycle", ch)).isTrue();
    assertThat(task(ch, queueTask).get("status").asText()).isEqualTo("pending");
    assertThat(sandbox.conversation(ch).get("state").asText()).isNotEqualTo("closed");

    sandbox.task(queueTask, "cancel"); // the last invite fails: nobody left, the channel closes
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> sandbox.conversation(ch).get("state").asText().equals("closed"));
    assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("transfer-interaction")
        .processInstanceBusinessKey(ch).finished().count()).isEqualTo(2);
    // nobody is told "your current agent continues" when there is none
    assertThat(sandbox.conversation(ch).get("messages").toString()).doesNotContain("could not reach a colleague");
  }

  @Test
  void whenTheLastAgentLeftAPendingWarmInviteTakesTheInteractionOver() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("workerSid", CAROL, "mode", "warm")).status()).isEqualTo(202);
    String target = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    sandbox.task(original, "wrapup");
    sandbox.task(original, "complete");
    await().atMost(Duration.ofSeconds(30)).until(() -> original.equals(lifecycleVariable(ch, "agentLeftTaskSid")));

    accept(target, null);
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("agent-added");
    await().atMost(Duration.ofSeconds(30)).until(() -> target.equals(lifecycleVariable(ch, "taskSid")));
    assertThat(lifecycleVariable(ch, "agentLeftTaskSid")).isNull();
    assertThat(lifecycleVariable(ch, "workerSid")).isEqualTo(CAROL);
    sandbox.task(target, "wrapup"); // the lifecycle recorded alice's wrapup already
    sandbox.task(target, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> sandbox.conversation(ch).get("state").asText().equals("closed"));
  }

  @Test
  void aPendingTransferEndsAtOnceWhenTheConversationIsRemoved() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold")).status()).isEqualTo(202);
    assertThat(running("transfer-interaction", ch)).isTrue();
    // Twilio's post-event webhook for a deleted conversation (signed, through the inbox)
    assertThat(webhooks().post("/webhooks/conversations", Map.of("EventType", "onConversationRemoved",
        "ConversationSid", ch, "ChatServiceSid", SandboxDefaults.CHAT_SERVICE_SID,
        "AccountSid", SandboxDefaults.ACCOUNT_SID)).statusCode()).isEqualTo(200);
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("interaction-ended"); // not its PT2H timer
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("conversation-closed");
  }

  @Test
  void aPendingTransferEndsAtOnceWhenTheLifecycleEnds() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("workerSid", CAROL, "mode", "warm")).status()).isEqualTo(202);
    sandbox.task(original, "delete"); // task.deleted: the lifecycle ends, the conversation stays
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("task-deleted");
    assertThat(outcome("transfer-interaction", ch)).isEqualTo("interaction-ended");
    assertThat(running("transfer-interaction", ch)).isFalse();
  }

  // ------------------------------------------------------------ park

  @Test
  void parkThenCustomerMessageReinvitesTheSameWorker() {
    String customer = Sandbox.newCustomer();
    String ch = acceptedInbound(customer);
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(30)).until(() -> task(ch, original).get("status").asText()
        .equals("completed"));
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.conversation(ch).toString()
        .contains("/webhooks/conversations"));
    JsonNode conversation = sandbox.conversation(ch);
    assertThat(conversation.get("state").asText()).isNotEqualTo("closed");
    assertThat(running("interaction-lifecycle", ch)).isTrue();

    assertThat(sandbox.inbound(customer)).isEqualTo(ch);
    String resumed = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    assertThat(outcome("park-interaction", ch)).isEqualTo("resumed");
    assertThat(task(ch, resumed).get("attributes").get("orchestratorInstanceId"))
        .isEqualTo(task(ch, original).get("attributes").get("orchestratorInstanceId"));
    accept(resumed, null);
    assertThat(task(ch, resumed).toString()).contains(ALICE);
    await().atMost(Duration.ofSeconds(30)).until(() -> resumed.equals(lifecycleVariable(ch, "taskSid")));
    sandbox.task(resumed, "complete");
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("completed");
  }

  @Test
  void unparkReinvitesTheSameWorker() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String original = sandbox.awaitTask(ch, "assigned");
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    awaitParked(ch);
    assertThat(operator().post("/api/interactions/" + ch + "/unpark", Map.of()).status()).isEqualTo(202);
    String resumed = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    accept(resumed, null);
    assertThat(task(ch, resumed).toString()).contains(ALICE);
  }

  @Test
  void aParkEndsAtOnceWhenTheConversationClosesAndRemovesItsWebhook() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    awaitParked(ch);
    String webhookSid = String.valueOf(runtime.getVariable(runtime.createProcessInstanceQuery()
        .processDefinitionKey("park-interaction").processInstanceBusinessKey(ch).singleResult().getId(),
        "parkWebhookSid"));
    sandbox.timer(ch, "closed");
    assertThat(outcome("park-interaction", ch)).isEqualTo("interaction-ended"); // not its P7D timer
    assertThat(outcome("interaction-lifecycle", ch)).isEqualTo("conversation-closed");
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.count(sandbox.requests(webhookSid),
        "DELETE", "/Webhooks/" + webhookSid) == 1);
  }

  @Test
  void unparkOfAWhatsAppConversationOutsideTheCustomerWindowNeedsATemplateAndNoFreeTextIsSent() {
    String ch = sandbox.inbound(Sandbox.newCustomer(), WHATSAPP_PROXY, "whatsapp");
    String original = sandbox.awaitTask(ch, "pending");
    accept(original, ALICE);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Boolean.TRUE.equals(lifecycleVariable(ch, "agentAccepted")));
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    awaitParked(ch);
    assertThat(sim().post("/sim/control/conversations/" + ch + "/age", Map.of("seconds", 25 * 3600))
        .status()).isEqualTo(200); // the customer wrote 25 hours ago

    HttpJson.Reply refused = operator().post("/api/interactions/" + ch + "/unpark", Map.of());
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    assertThat(refused.json().get("error").asText()).contains("WhatsApp customer window").contains("contentSid");
    assertThat(refused.json().get("reason").asText()).isEqualTo("whatsapp-window-closed");
    assertThat(operator().post("/api/interactions/" + ch + "/unpark", Map.of("contentSid", "nope"))
        .status()).isEqualTo(400);
    assertThat(running("park-interaction", ch)).isTrue(); // still parked

    HttpJson.Reply resumedWithTemplate = operator().post("/api/interactions/" + ch + "/unpark",
        Map.of("contentSid", TEMPLATE, "contentVariables", Map.of("1", "Ann")));
    assertThat(resumedWithTemplate.status()).as(resumedWithTemplate.body()).isEqualTo(202);
    String resumed = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(original)
        && t.get("status").asText().equals("pending"));
    assertThat(outcome("park-interaction", ch)).isEqualTo("resumed");
    assertThat(sandbox.conversation(ch).get("messages").toString()).contains(TEMPLATE);
    assertThat(task(ch, resumed).toString()).contains(ALICE);

    // the re-invite times out: the lifecycle's "still looking" notice is free text: not sent here
    sandbox.task(resumed, "timeout");
    await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(lifecycleVariable(ch, "messageSkipped"))
        .startsWith("workflow-timeout"));
    assertThat(sandbox.conversation(ch).get("messages").toString()).doesNotContain("still busy");
  }

  @Test
  void unparkOfAWhatsAppConversationWithinTheCustomerWindowNeedsNoTemplate() {
    String ch = sandbox.inbound(Sandbox.newCustomer(), WHATSAPP_PROXY, "whatsapp");
    String original = sandbox.awaitTask(ch, "pending");
    accept(original, ALICE);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> Boolean.TRUE.equals(lifecycleVariable(ch, "agentAccepted")));
    assertThat(operator().post("/api/interactions/" + ch + "/park", Map.of()).status()).isEqualTo(202);
    awaitParked(ch);
    assertThat(operator().post("/api/interactions/" + ch + "/unpark", Map.of()).status()).isEqualTo(202);
    assertThat(outcome("park-interaction", ch)).isEqualTo("resumed");
    assertThat(sandbox.conversation(ch).get("messages").toString()).doesNotContain("HX");
  }

  // ------------------------------------------------------------ taskrouter mode

  @Test
  void agentOperationsOnATaskRouterModeConversationAnswer409() {
    String customer = Sandbox.newCustomer();
    String ch = sandbox.inbound(customer, TASKROUTER_PROXY, "sms"); // routing DMN: taskrouter mode
    sandbox.awaitTask(ch, "pending");
    await().atMost(Duration.ofSeconds(30))
        .until(() -> "taskrouter".equals(lifecycleVariable(ch, "routingMode"))
            && lifecycleVariable(ch, "routedTaskSid") != null);

    HttpJson.Reply transfer = operator().post("/api/interactions/" + ch + "/transfers",
        Map.of("queueSid", QUEUE, "mode", "cold"));
    assertThat(transfer.status()).as(transfer.body()).isEqualTo(409);
    assertThat(transfer.json().get("error").asText()).contains("taskrouter");
    HttpJson.Reply park = operator().post("/api/interactions/" + ch + "/park", Map.of());
    assertThat(park.status()).as(park.body()).isEqualTo(409);
    assertThat(park.json().get("error").asText()).contains("taskrouter");
    assertThat(operator().post("/api/interactions/" + ch + "/unpark", Map.of()).status()).isEqualTo(409);
    HttpJson.Reply reuse = outbound(Map.of("to", customer, "from", TASKROUTER_PROXY, "reuse", true));
    assertThat(reuse.status()).as(reuse.body()).isEqualTo(409);
    assertThat(reuse.json().get("conversationSid").asText()).isEqualTo(ch);
    assertThat(reuse.json().get("error").asText()).contains("taskrouter");
    assertThat(running("transfer-interaction", ch)).isFalse();
    assertThat(running("park-interaction", ch)).isFalse();
    assertThat(sandbox.count(sandbox.requests(ch), "POST", "/flex-api/")).isZero();
  }

  // ------------------------------------------------------------ customers

  @Test
  void aSecondCustomerJoinsTheEngagementWithTheBindingCheck() {
    String ch = acceptedInbound(Sandbox.newCustomer());
    String second = Sandbox.newCustomer();
    HttpJson.Reply added = operator().post("/api/interactions/" + ch + "/customers",
        Map.of("channel", "sms", "address", second, "proxyAddress", PROXY));
    assertThat(added.status()).as(added.body()).isEqualTo(201);
    assertThat(sandbox.conversation(ch).toString()).contains(second);

    String busy = Sandbox.newCustomer();
    String other = sim().post("/sim/control/conversations", Map.of("from", busy, "to", PROXY))
        .json().get("conversationSid").asText();
    HttpJson.Reply conflict = operator().post("/api/interactions/" + ch + "/customers",
        Map.of("channel", "sms", "address", busy, "proxyAddress", PROXY));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json().get("conversationSid").asText()).isEqualTo(other);

    HttpJson.Reply chat = operator().post("/api/interactions/" + ch + "/customers",
        Map.of("channel", "chat", "address", "bob@example.com"));
    assertThat(chat.status()).isEqualTo(201);
    assertThat(chat.json().get("identity").asText()).startsWith("cust_");
  }
}
