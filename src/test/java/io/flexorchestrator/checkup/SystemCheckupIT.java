package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;

/**
 * The system checkup, diagnostics and set-up against the simulator. Shares the app and the
 * simulator with every other IT: own phone numbers, every global change restored, and sweeps are
 * asserted on this test's conversations only.
 */
class SystemCheckupIT extends SandboxIT {

  @Autowired CheckupProperties properties;
  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired TwilioSetup setup;
  @Autowired TwilioSetupHealthIndicator health;

  private Sandbox sandbox() {
    return new Sandbox(sim(), history);
  }

  private String orphan(String customer) {
    HttpJson.Reply reply = sim().post("/sim/control/conversations", Map.of("from", customer,
        "to", "+15550001111", "channel", "sms", "body", "anyone there?", "ageSeconds", 600));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("conversationSid").asText();
  }

  private JsonNode checkup() {
    HttpJson.Reply reply = operator().post("/api/checkup", null);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("status").asText()).isEqualTo("completed");
    return reply.json();
  }

  private static JsonNode item(JsonNode report, String section, String conversationSid) {
    for (JsonNode item : report.get(section)) {
      if (conversationSid.equals(item.get("conversationSid").asText())) {
        return item;
      }
    }
    return null;
  }

  private static JsonNode check(JsonNode diagnosis, String name) {
    for (JsonNode check : diagnosis.get("checks")) {
      if (name.equals(check.get("name").asText())) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + diagnosis);
  }

  @Test
  void anOrphanCreatedBehindTheAppsBackIsRoutedToFlex() {
    String conversation = orphan(Sandbox.newCustomer());
    assertThat(sandbox().instances(conversation)).isZero();

    JsonNode report = checkup();
    JsonNode item = item(report, "orphans", conversation);
    assertThat(item).as(report.toString()).isNotNull();
    assertThat(item.get("action").asText()).isEqualTo("routed");
    assertThat(report.get("summary").get("acted").asInt()).isPositive();
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox().instances(conversation) > 0);
    await().atMost(Duration.ofSeconds(30)).until(() -> !sandbox().tasks(conversation).isEmpty());

    // the next sweep leaves it alone: its lifecycle owns it now
    assertThat(item(checkup(), "orphans", conversation)).isNull();
  }

  @Test
  void anOrphanIsClosedWhenThePolicySaysClose() {
    String conversation = orphan(Sandbox.newCustomer());
    properties.setOrphanPolicy(CheckupProperties.OrphanPolicy.CLOSE);
    try {
      JsonNode item = item(checkup(), "orphans", conversation);
      assertThat(item).isNotNull();
      assertThat(item.get("action").asText()).isEqualTo("closed");
    } finally {
      properties.setOrphanPolicy(CheckupProperties.OrphanPolicy.ROUTE);
    }
    assertThat(sandbox().conversation(conversation).get("state").asText()).isEqualTo("closed");
    assertThat(sandbox().instances(conversation)).isZero();
  }

  @Test
  void anOrphanInItsGracePeriodIsOnlyReported() {
    HttpJson.Reply reply = sim().post("/sim/control/conversations", Map.of("from", Sandbox.newCustomer(),
        "to", "+15550001111", "channel", "sms"));
    String conversation = reply.json().get("conversationSid").asText();
    JsonNode item = item(checkup(), "orphans", conversation);
    assertThat(item.get("action").asText()).isEqualTo("skipped");
    assertThat(item.get("reason").asText()).contains("grace period");
    assertThat(sandbox().instances(conversation)).isZero();
  }

  @Test
  void aTaskCanceledWhileTheAppWasDownEndsItsLifecycleOnTheNextSweep() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    var grace = properties.getLifecycleGrace();
    try {
      String conversation = sandbox.inbound(Sandbox.newCustomer());
      String task = sandbox.awaitTask(conversation, "pending");
      await().atMost(Duration.ofSeconds(30)).until(() -> runtime.createEventSubscriptionQuery()
          .eventName("ReservationAccepted").processInstanceId(runtime.createProcessInstanceQuery()
              .processInstanceBusinessKey(conversation).singleResult().getId()).count() == 1);
      // TaskRouter cancels it, but the callback never reaches the app
      HttpJson.Reply canceled = sim().post("/sim/control/tasks/" + task + "/cancel",
          Map.of("reason", "interaction creation failed", "webhooks", false));
      assertThat(canceled.status()).as(canceled.body()).isEqualTo(200);
      assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(conversation).count())
          .isEqualTo(1);

      properties.setLifecycleGrace(Duration.ZERO);
      JsonNode item = item(checkup(), "lifecycles", conversation);
      assertThat(item).isNotNull();
      assertThat(item.get("action").asText()).isEqualTo("replayed");
      assertThat(item.get("event").asText()).isEqualTo("task.canceled");
      assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("canceled-before-accept");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          "closed".equals(sandbox.conversation(conversation).get("state").asText()));
    } finally {
      properties.setLifecycleGrace(grace);
      sandbox.agents("auto");
    }
  }

  @Test
  void diagnosticsOfAHealthyConversation() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    try {
      String conversation = sandbox.inbound(Sandbox.newCustomer());
      String task = sandbox.awaitTask(conversation, "pending");
      await().atMost(Duration.ofSeconds(30)).until(() -> runtime.createEventSubscriptionQuery()
          .eventName("ReservationAccepted").count() > 0 && sandbox.variable(conversation, "channelSid") != null);
      sandbox.task(task, "accept");
      await().atMost(Duration.ofSeconds(30)).until(() ->
          Boolean.TRUE.equals(sandbox.variable(conversation, "agentAccepted")));
      JsonNode diagnosis = operator().get("/api/diagnostics/conversations/" + conversation).json();
      assertThat(diagnosis.get("conversationSid").asText()).isEqualTo(conversation);
      for (String name : new String[] {"conversation", "service", "webhooks", "participants",
          "agent-participants", "lifecycle", "interaction", "tasks", "agent-reached", "inbox"}) {
        assertThat(check(diagnosis, name).get("ok").asBoolean()).as(name + ": " + diagnosis).isTrue();
      }
      assertThat(check(diagnosis, "lifecycle").get("detail").asText()).startsWith("running");
      assertThat(diagnosis.toString()).doesNotContain(conversation.isEmpty() ? "x" : "+1555123");
      sandbox.task(task, "wrapup");
      sandbox.task(task, "complete");
      assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("completed");
    } finally {
      sandbox.agents("auto");
    }
  }

  @Test
  void diagnosticsOfAnOrphanSayNoLifecycle() {
    String customer = Sandbox.newCustomer();
    String conversation = orphan(customer);
    JsonNode diagnosis = operator().get("/api/diagnostics/conversations/" + conversation).json();
    assertThat(check(diagnosis, "conversation").get("ok").asBoolean()).isTrue();
    assertThat(check(diagnosis, "lifecycle").get("ok").asBoolean()).isFalse();
    assertThat(check(diagnosis, "lifecycle").get("detail").asText()).contains("orphan");
    assertThat(check(diagnosis, "agent-reached").get("ok").asBoolean()).isFalse();
    assertThat(diagnosis.toString()).doesNotContain(customer);

    JsonNode byAddress = operator().get("/api/diagnostics/addresses/" + customer).json();
    assertThat(byAddress.get("conversations")).hasSize(1);
    assertThat(byAddress.get("conversations").get(0).get("conversationSid").asText()).isEqualTo(conversation);
    assertThat(byAddress.get("address").asText()).doesNotContain(customer);
    properties.setOrphanPolicy(CheckupProperties.OrphanPolicy.CLOSE);
    try {
      checkup(); // tidy up: close it
    } finally {
      properties.setOrphanPolicy(CheckupProperties.OrphanPolicy.ROUTE);
    }
  }

  @Test
  void diagnosticsOfAFailedCreationPointAtTheCanceledTask() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    try {
      String conversation = sandbox.inbound(Sandbox.newCustomer());
      String task = sandbox.awaitTask(conversation, "pending");
      await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.variable(conversation, "channelSid") != null);
      await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30)).until(() -> sim()
          .post("/sim/control/tasks/" + task + "/cancel", Map.of("reason", "Interaction creation failed"))
          .status() == 200 || !sandbox.tasks(conversation).get(0).get("status").asText().equals("pending"));
      assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("canceled-before-accept");
      JsonNode diagnosis = operator().get("/api/diagnostics/conversations/" + conversation).json();
      JsonNode tasks = check(diagnosis, "tasks");
      assertThat(tasks.get("ok").asBoolean()).as(diagnosis.toString()).isFalse();
      assertThat(tasks.get("detail").asText()).contains(task).contains("canceled before any agent");
      assertThat(check(diagnosis, "agent-reached").get("ok").asBoolean()).isFalse();
      assertThat(check(diagnosis, "lifecycle").get("detail").asText()).contains("canceled-before-accept");
    } finally {
      sandbox.agents("auto");
    }
  }

  @Test
  void diagnosticsRejectMalformedAndUnknownSids() {
    assertThat(operator().get("/api/diagnostics/conversations/CH123").status()).isEqualTo(400);
    assertThat(operator().get("/api/diagnostics/conversations/CH" + "0".repeat(31) + "9").status())
        .isEqualTo(404);
    assertThat(operator().get("/api/diagnostics/addresses/+15559999999").status()).isEqualTo(404);
    assertThat(new HttpJson(port).get("/api/diagnostics/conversations/CH123").status()).isEqualTo(401);
  }

  @Test
  void healthGoesDownWhenTheFlexChatServiceIsNotTheDefault() {
    try {
      sim().put("/sim/control/account", Map.of("defaultChatServiceSid", "IS" + "0".repeat(31) + "2"));
      setup.checkNow();
      var down = health.health();
      assertThat(down.getStatus()).isEqualTo(Status.DOWN);
      assertThat(down.getDetails().get("default-chat-service").toString())
          .startsWith("FAILED").contains(SandboxDefaults.CHAT_SERVICE_SID).contains("default");
      assertThat(new HttpJson(port).get("/actuator/health").status()).isEqualTo(503);
    } finally {
      sim().put("/sim/control/account", Map.of("defaultChatServiceSid", SandboxDefaults.CHAT_SERVICE_SID));
      setup.checkNow();
    }
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void setupMakesEveryCheckPassAndASecondCallChangesNothing() {
    JsonNode before = operator().get("/sim/control/account").json();
    try {
      sim().put("/sim/control/account", Map.of("defaultChatServiceSid", "IS" + "0".repeat(31) + "3",
          "eventCallbackUrl", "https://example.invalid/old", "eventsFilter", "task.created,task.completed"));
      assertThat(setup.checkNow().ok()).isFalse();

      HttpJson.Reply first = operator().post("/api/setup", null);
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      assertThat(first.json().get("changed").size()).as(first.body()).isGreaterThanOrEqualTo(2);
      assertThat(first.json().get("errors")).isEmpty();
      assertThat(first.json().get("allPassed").asBoolean()).as(first.body()).isTrue();
      for (JsonNode check : first.json().get("checks")) {
        assertThat(check.get("ok").asBoolean()).as(check.toString()).isTrue();
      }
      JsonNode account = sim().get("/sim/control/account").json();
      assertThat(account.get("defaultChatServiceSid").asText()).isEqualTo(SandboxDefaults.CHAT_SERVICE_SID);
      assertThat(account.get("eventCallbackUrl").asText()).endsWith("/webhooks/taskrouter");

      HttpJson.Reply second = operator().post("/api/setup", null);
      assertThat(second.json().get("changed")).as(second.body()).isEmpty();
      assertThat(second.json().get("allPassed").asBoolean()).isTrue();
    } finally {
      sim().put("/sim/control/account", Map.of("defaultChatServiceSid", before.get("defaultChatServiceSid").asText(),
          "eventCallbackUrl", before.get("eventCallbackUrl").asText(),
          "eventsFilter", before.path("eventsFilter").asText("")));
      setup.checkNow();
    }
  }
}
