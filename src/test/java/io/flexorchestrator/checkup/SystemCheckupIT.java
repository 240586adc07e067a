package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.AddressConfiguration;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.conversations.v1.service.configuration.Webhook;
import com.twilio.rest.taskrouter.v1.workspace.Workflow;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.twilio.TwilioGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
  @Autowired TwilioGateway gateway;
  @Autowired CheckupRunner runner;
  private CheckupProperties.OrphanPolicy orphanPolicy;
  private Duration orphanGrace;
  private Duration lifecycleGrace;
  private Duration channelGrace;
  private Duration channelLookback;

  /** A test may change the checkup's settings and the virtual agents' mode: both come back after it. */
  @BeforeEach
  void rememberSettings() {
    orphanPolicy = properties.getOrphanPolicy();
    orphanGrace = properties.getOrphanGrace();
    lifecycleGrace = properties.getLifecycleGrace();
    channelGrace = properties.getChannelGrace();
    channelLookback = properties.getChannelLookback();
  }

  @AfterEach
  void restoreSettings() {
    properties.setOrphanPolicy(orphanPolicy);
    properties.setOrphanGrace(orphanGrace);
    properties.setLifecycleGrace(lifecycleGrace);
    properties.setChannelGrace(channelGrace);
    properties.setChannelLookback(channelLookback);
    sandbox().agents("auto");
  }

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
    JsonNode item = item(checkup(), "orphans", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).isEqualTo("closed");
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
  }

  @Test
  void diagnosticsOfAHealthyConversation() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
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
    checkup(); // tidy up: close it
  }

  @Test
  void diagnosticsOfAFailedCreationPointAtTheCanceledTask() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
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

  // ---- sweeps that act on state created behind the app's back ----

  /** A lifecycle that ended on task.deleted: the conversation and its interaction channel stay open. */
  private String endedKeepingTheChannel(Sandbox sandbox) {
    String conversation = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(conversation, "pending");
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.variable(conversation, "channelSid") != null);
    HttpJson.Reply deleted = sim().post("/sim/control/tasks/" + task + "/delete", Map.of());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("task-deleted");
    assertThat(channelStatus(sandbox, conversation)).isEqualTo("active");
    return conversation;
  }

  private String channelStatus(Sandbox sandbox, String conversation) {
    String channelSid = (String) sandbox.variable(conversation, "channelSid");
    for (JsonNode channel : sandbox.interaction((String) sandbox.variable(conversation, "interactionSid"))
        .get("channels")) {
      if (channelSid.equals(channel.get("sid").asText())) {
        return channel.get("status").asText();
      }
    }
    throw new AssertionError("no channel " + channelSid);
  }

  @Test
  void aChannelLeftActiveWithOnlyTheCustomerIsClosed() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    String conversation = endedKeepingTheChannel(sandbox);
    properties.setChannelGrace(Duration.ZERO);
    JsonNode item = item(checkup(), "channels", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).as(item.toString()).isEqualTo("closed");
    assertThat(item.get("lifecycleOutcome").asText()).isEqualTo("task-deleted");
    assertThat(channelStatus(sandbox, conversation)).isEqualTo("closed");
    assertThat(item(checkup(), "channels", conversation)).isNull(); // nothing left to do
  }

  @Test
  void aChannelWhoseLifecycleEndedBeforeTheLookBackIsFoundByTheConversationSweep() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    String conversation = endedKeepingTheChannel(sandbox);
    properties.setChannelGrace(Duration.ZERO);
    // the lifecycle ended before the look-back window: only the conversation sweep can find it
    properties.setChannelLookback(Duration.ofMillis(1));
    JsonNode item = item(checkup(), "channels", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).as(item.toString()).isEqualTo("closed");
    assertThat(channelStatus(sandbox, conversation)).isEqualTo("closed");
  }

  private static String closedTimer(Sandbox sandbox, String conversation) {
    return sandbox.conversation(conversation).path("timers").path("closed").textValue();
  }

  @Test
  void aConversationWithoutCloseTimersThatIsNotLongLivedGetsThem() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    String conversation = endedKeepingTheChannel(sandbox);
    // behind the app's back: somebody removes the timers
    Conversation.updater(conversation).setTimersInactive("").setTimersClosed("").update(gateway.client());
    assertThat(closedTimer(sandbox, conversation)).isNull();

    properties.setOrphanGrace(Duration.ZERO);
    JsonNode item = item(checkup(), "timers", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).as(item.toString()).isEqualTo("set");
    assertThat(closedTimer(sandbox, conversation)).isNotNull();
    assertThat(item(checkup(), "timers", conversation)).isNull(); // set once, then left alone
  }

  private void awaitWaitingFor(String conversation, String message) {
    await().atMost(Duration.ofSeconds(30)).until(() -> runtime.createEventSubscriptionQuery()
        .eventName(message).processInstanceId(runtime.createProcessInstanceQuery()
            .processInstanceBusinessKey(conversation).singleResult().getId()).count() == 1);
  }

  @Test
  void aTaskGoneAtTaskRouterWhileTheAppWasDownEndsItsLifecycleAsSystemDeleted() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    String conversation = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(conversation, "pending");
    awaitWaitingFor(conversation, LifecycleMessages.RESERVATION_ACCEPTED);
    HttpJson.Reply deleted = sim().post("/sim/control/tasks/" + task + "/delete", Map.of("webhooks", false));
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
    assertThat(sandbox.tasks(conversation)).isEmpty();

    properties.setLifecycleGrace(Duration.ZERO);
    JsonNode item = item(checkup(), "lifecycles", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).as(item.toString()).isEqualTo("replayed");
    assertThat(item.get("taskStatus").asText()).isEqualTo("gone");
    assertThat(item.get("event").asText()).isEqualTo("task.system-deleted");
    assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("system-deleted");
  }

  @Test
  void aTaskCompletedWhileTheAppWasDownEndsItsLifecycleAsCompleted() {
    Sandbox sandbox = sandbox();
    sandbox.agents("manual");
    String conversation = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(conversation, "pending");
    awaitWaitingFor(conversation, LifecycleMessages.RESERVATION_ACCEPTED);
    await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.variable(conversation, "channelSid") != null);
    sandbox.task(task, "accept");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        Boolean.TRUE.equals(sandbox.variable(conversation, "agentAccepted")));
    sandbox.task(task, "wrapup");
    awaitWaitingFor(conversation, LifecycleMessages.TASK_COMPLETED);
    HttpJson.Reply completed = sim().post("/sim/control/tasks/" + task + "/complete", Map.of("webhooks", false));
    assertThat(completed.status()).as(completed.body()).isEqualTo(200);

    properties.setLifecycleGrace(Duration.ZERO);
    JsonNode item = item(checkup(), "lifecycles", conversation);
    assertThat(item).isNotNull();
    assertThat(item.get("action").asText()).as(item.toString()).isEqualTo("replayed");
    assertThat(item.get("event").asText()).isEqualTo("task.completed");
    assertThat(sandbox.awaitOutcome(conversation)).isEqualTo("completed");
  }

  // ---- diagnostics: the agent role ----

  @Test
  void diagnosticsFailWhenAnAgentParticipantHasAnotherRoleThanAgent() {
    String conversation = orphan(Sandbox.newCustomer());
    TwilioRestClient client = gateway.client();
    String channelUserRole = "RL5a5db0c5a5db0c5a5db0c5a5db0c0001";
    Participant.creator(conversation).setIdentity("agent-without-role@example.com")
        .setRoleSid(channelUserRole).create(client);
    try {
      JsonNode check = check(operator().get("/api/diagnostics/conversations/" + conversation).json(),
          "agent-participants");
      assertThat(check.get("ok").asBoolean()).as(check.toString()).isFalse();
      assertThat(check.get("detail").asText()).contains("agent-without-role@example.com")
          .contains("channel user").contains("role \"agent\"");
    } finally {
      Conversation.updater(conversation).setState(Conversation.State.CLOSED).update(client);
    }
  }

  // ---- the scheduled start and its cluster guard ----

  private long checkups() {
    return history.createHistoricProcessInstanceQuery().processDefinitionKey(CheckupRunner.PROCESS_KEY).count();
  }

  private boolean idleFor(Duration quiet) {
    if (runtime.createProcessInstanceQuery().processDefinitionKey(CheckupRunner.PROCESS_KEY).count() > 0) {
      return false;
    }
    var last = history.createHistoricProcessInstanceQuery().processDefinitionKey(CheckupRunner.PROCESS_KEY)
        .orderByProcessInstanceStartTime().desc().listPage(0, 1);
    return last.isEmpty() || last.get(0).getStartTime().toInstant().isBefore(Instant.now().minus(quiet));
  }

  @Test
  void aScheduledTickStartsACheckupAndNoOtherTickWithinTheIntervalStartsASecond() throws Exception {
    Duration interval = properties.getInterval();
    ExecutorService nodes = Executors.newFixedThreadPool(2);
    try {
      properties.setInterval(Duration.ofSeconds(10));
      await().atMost(Duration.ofSeconds(120)).until(() -> idleFor(Duration.ofSeconds(11)));
      long before = checkups();

      // two nodes tick at the same moment: the guard lets exactly one start a run
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> ticks = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ticks.add(nodes.submit(() -> {
          go.await();
          runner.scheduled();
          return null;
        }));
      }
      go.countDown();
      for (Future<?> tick : ticks) {
        tick.get(60, TimeUnit.SECONDS);
      }
      properties.setInterval(Duration.ofHours(1));
      assertThat(checkups()).isEqualTo(before + 1);
      var started = history.createHistoricProcessInstanceQuery().processDefinitionKey(CheckupRunner.PROCESS_KEY)
          .orderByProcessInstanceStartTime().desc().listPage(0, 1).get(0);
      assertThat(history.createHistoricVariableInstanceQuery().processInstanceId(started.getId())
          .variableName("trigger").singleResult().getValue()).isEqualTo("schedule");

      // once it finished, a later tick within the interval (another node's) starts none either
      await().atMost(Duration.ofSeconds(120)).until(() -> runner.report(started.getId()).isPresent());
      runner.scheduled();
      assertThat(checkups()).isEqualTo(before + 1);
    } finally {
      nodes.shutdownNow();
      properties.setInterval(interval);
    }
  }

  // ---- set-up: every check breaks, health says so, POST /api/setup repairs all ----

  private void assertDown(String check, String... details) {
    setup.checkNow();
    var down = health.health();
    assertThat(down.getStatus()).isEqualTo(Status.DOWN);
    String detail = String.valueOf(down.getDetails().get(check));
    assertThat(detail).as(down.getDetails().toString()).startsWith("FAILED");
    for (String d : details) {
      assertThat(detail).contains(d);
    }
  }

  private void repair(JsonNode account) {
    sim().put("/sim/control/account", Map.of("defaultChatServiceSid", account.get("defaultChatServiceSid").asText(),
        "eventCallbackUrl", account.get("eventCallbackUrl").asText(),
        "eventsFilter", account.path("eventsFilter").asText("")));
    setup.apply();
    setup.checkNow();
  }

  @Test
  void healthGoesDownWithAClearDetailForEveryBrokenSetting() {
    JsonNode before = sim().get("/sim/control/account").json();
    TwilioRestClient client = gateway.client();
    try {
      sim().put("/sim/control/account", Map.of("eventCallbackUrl", "https://example.invalid/old-callback"));
      assertDown("taskrouter-event-callback", "Event Callback URL", "https://example.invalid/old-callback",
          "/webhooks/taskrouter", "POST /api/setup");
      repair(before);

      sim().put("/sim/control/account", Map.of("eventsFilter", "task.created,task.completed"));
      assertDown("taskrouter-event-callback", "Events Filter lacks", "task.canceled", "reservation.accepted");
      repair(before);

      Webhook.updater(SandboxDefaults.CHAT_SERVICE_SID).setPostWebhookUrl("https://example.invalid/post")
          .update(client);
      assertDown("service-webhooks", "post-event URL is https://example.invalid/post", "/webhooks/conversations");
      repair(before);

      AddressConfiguration address = AddressConfiguration.reader().read(client).iterator().next();
      AddressConfiguration.updater(address.getSid()).setAutoCreationWebhookUrl("https://example.invalid/studio")
          .update(client);
      assertDown("address-auto-creation", address.getSid(), "https://example.invalid/studio");
    } finally {
      repair(before);
    }
    assertThat(health.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void setupRepairsWebhooksAddressesAndTheKnownAgentWorkflowAndASecondCallChangesNothing() throws Exception {
    JsonNode before = sim().get("/sim/control/account").json();
    TwilioRestClient client = gateway.client();
    try {
      Webhook.updater(SandboxDefaults.CHAT_SERVICE_SID).setPreWebhookUrl("https://example.invalid/pre")
          .setPostWebhookUrl("https://example.invalid/post").setFilters(List.of("onMessageAdded")).update(client);
      List<String> addresses = new ArrayList<>();
      for (AddressConfiguration address : AddressConfiguration.reader().read(client)) {
        AddressConfiguration.updater(address.getSid()).setAutoCreationWebhookUrl("https://example.invalid/studio")
            .update(client);
        addresses.add(address.getSid());
      }
      boolean workflowDeleted = true;
      for (Workflow workflow : Workflow.reader(SandboxDefaults.WORKSPACE_SID).setFriendlyName("Known agent").read(client)) {
        try {
          Workflow.deleter(SandboxDefaults.WORKSPACE_SID, workflow.getSid()).delete(client);
        } catch (RuntimeException openTasks) {
          workflowDeleted = false;
        }
      }
      sim().put("/sim/control/account", Map.of("defaultChatServiceSid", "IS" + "0".repeat(31) + "4",
          "eventCallbackUrl", "https://example.invalid/old", "eventsFilter", "task.created,task.completed"));
      TwilioSetup.Result broken = setup.checkNow();
      for (String name : List.of("default-chat-service", "taskrouter-event-callback", "service-webhooks",
          "address-auto-creation")) {
        assertThat(broken.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().ok())
            .as(name).isFalse();
      }

      HttpJson.Reply first = operator().post("/api/setup", null);
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      List<String> changes = new ArrayList<>();
      first.json().get("changed").forEach(change -> changes.add(change.asText()));
      String changed = String.join("\n", changes);
      assertThat(changed).as(first.body()).contains("default Conversations service", "Event Callback URL",
          "Events Filter", "Flex Chat Service webhooks set", "auto-creates with a webhook");
      for (String sid : addresses) {
        assertThat(changed).contains(sid);
      }
      if (workflowDeleted) {
        assertThat(changed).contains("workflow \"Known agent\" created");
      }
      assertThat(first.json().get("errors")).isEmpty();
      assertThat(first.json().get("allPassed").asBoolean()).as(first.body()).isTrue();

      Webhook hooks = Webhook.fetcher(SandboxDefaults.CHAT_SERVICE_SID).fetch(client);
      assertThat(String.valueOf(hooks.getPreWebhookUrl())).endsWith("/webhooks/conversations/pre-event");
      assertThat(String.valueOf(hooks.getPostWebhookUrl())).endsWith("/webhooks/conversations");
      assertThat(hooks.getFilters()).containsAll(TwilioSetup.SERVICE_FILTERS);
      for (AddressConfiguration address : AddressConfiguration.reader().read(client)) {
        Map<?, ?> auto = (Map<?, ?>) address.getAutoCreation();
        assertThat(String.valueOf(auto.get("webhook_url"))).endsWith("/webhooks/conversations");
        assertThat(auto.get("enabled")).isEqualTo(true);
      }
      List<Workflow> known = new ArrayList<>();
      Workflow.reader(SandboxDefaults.WORKSPACE_SID).setFriendlyName("Known agent").read(client).forEach(known::add);
      assertThat(known).hasSize(1);
      JsonNode routing = new com.fasterxml.jackson.databind.ObjectMapper()
          .readTree(known.get(0).getConfiguration()).get("task_routing");
      String filters = routing.get("filters").toString();
      assertThat(filters).contains("contact_uri != null", "task.contact_uri == worker.contact_uri",
          "known_worker_sid != null", "task.known_worker_sid == worker.sid").doesNotContain("{{");
      assertThat(routing.get("default_filter").get("queue").asText()).startsWith("WQ");

      HttpJson.Reply second = operator().post("/api/setup", null);
      assertThat(second.json().get("changed")).as(second.body()).isEmpty();
      assertThat(second.json().get("allPassed").asBoolean()).isTrue();
    } finally {
      repair(before);
    }
  }
}
