package io.flexorchestrator.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.flexapi.v1.Interaction;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import com.twilio.security.RequestValidator;
import io.flexorchestrator.config.SandboxDefaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The simulator through real HTTP: spec validation, twilio-java parsing the answers, Twilio's
 * rules, signed webhooks, virtual agents and faults. Webhooks go to a test receiver, not the app.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.url=jdbc:h2:mem:simulator-it;DB_CLOSE_DELAY=-1",
    "camunda.bpm.job-execution.enabled=false",
    "orchestrator.sim.webhook-retry-delay-ms=100",
    "orchestrator.sim.webhook-max-retries=2",
    "camunda.bpm.process-engine-name=simulatorIt",
    "camunda.bpm.webapp.enabled=false"})
class SimulatorIT {

  static final String WS = SandboxDefaults.WORKSPACE_SID;
  static final String WF = SandboxDefaults.WORKFLOW_SID;
  static WebhookReceiver receiver;

  @LocalServerPort
  int port;

  SimTestSupport sim;
  TwilioRestClient twilio;

  @BeforeAll
  static void startReceiver() throws Exception {
    receiver = new WebhookReceiver();
  }

  @AfterAll
  static void stopReceiver() {
    receiver.close();
  }

  @BeforeEach
  void setUp() {
    sim = new SimTestSupport(port);
    twilio = sim.twilio();
    assertThat(sim.control("POST", "/reset", null).status()).isEqualTo(200);
    receiver.clear();
    // every webhook to the test receiver, none to the app under construction
    assertThat(sim.form("POST", "/sim/taskrouter/v1/Workspaces/" + WS,
        Map.of("EventCallbackUrl", receiver.url("/taskrouter"))).status()).isEqualTo(200);
    assertThat(sim.form("POST", "/sim/conversations/v1/Services/" + SandboxDefaults.CHAT_SERVICE_SID
        + "/Configuration/Webhooks", Map.of("PostWebhookUrl", receiver.url("/conversations"),
        "PreWebhookUrl", receiver.url("/pre-event"))).status()).isEqualTo(200);
    manualAgents();
  }

  private void manualAgents() {
    assertThat(sim.control("PUT", "/agents", Map.of("mode", "manual")).status()).isEqualTo(200);
  }

  private void smsAddress(String to) {
    SimTestSupport.Answer a = sim.form("POST", "/sim/conversations/v1/Configuration/Addresses",
        Map.of("Type", "sms", "Address", to, "AutoCreation.Enabled", "true",
            "AutoCreation.Type", "webhook", "AutoCreation.WebhookUrl", receiver.url("/conversations")));
    assertThat(a.status()).as(a.body()).isEqualTo(201);
  }

  private static String routing(String conversationSid) {
    return "{\"properties\":{\"workspace_sid\":\"" + WS + "\",\"workflow_sid\":\"" + WF
        + "\",\"task_channel_unique_name\":\"chat\",\"attributes\":{\"customerName\":\"x\","
        + "\"origin\":\"test\"}}}";
  }

  // ---- spec validation ----

  @Test
  void rejectsABogusParameterLikeTwilio() {
    SimTestSupport.Answer a = sim.form("POST", "/sim/conversations/v1/Conversations",
        Map.of("FriendlyName", "x", "Bogus", "1"));
    assertThat(a.status()).isEqualTo(400);
    Map<String, Object> body = a.json();
    assertThat(body).containsEntry("code", 20001).containsEntry("status", 400)
        .containsEntry("more_info", "https://www.twilio.com/docs/errors/20001");
    assertThat((String) body.get("message")).contains("Bogus");
    assertThat(sim.form("POST", "/sim/conversations/v1/Conversations",
        Map.of("FriendlyName", "+15550001", "Attributes", "{\"a\":1}", "Timers.Inactive", "PT5M"))
        .status()).isEqualTo(201);
  }

  @Test
  void rejectsAWrongEnumValueAndAcceptsTheRightOne() {
    Conversation c = Conversation.creator().create(twilio);
    Interaction i = Interaction.creator(Map.of("type", "sms", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", c.getSid()))).setRouting(routing(c.getSid()))
        .create(twilio);
    String channelSid = channelSid(i);
    String path = "/sim/flex-api/v1/Interactions/" + i.getSid() + "/Channels/" + channelSid;
    SimTestSupport.Answer bad = sim.form("POST", path, Map.of("Status", "bogus"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json()).containsEntry("code", 20001);
    assertThat((String) bad.json().get("message")).contains("bogus");
    SimTestSupport.Answer wrongSid = sim.form("POST", "/sim/flex-api/v1/Interactions/" + i.getSid()
        + "/Channels/XX0123456789abcdef0123456789abcdef", Map.of("Status", "closed"));
    assertThat(wrongSid.status()).isEqualTo(400);
    SimTestSupport.Answer inactiveWithoutRouting = sim.form("POST", path, Map.of("Status", "inactive"));
    assertThat(inactiveWithoutRouting.status()).isEqualTo(400);
    SimTestSupport.Answer ok = sim.form("POST", path, Map.of("Status", "closed"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json()).containsEntry("status", "closed");
    SimTestSupport.Answer again = sim.form("POST", path, Map.of("Status", "closed"));
    assertThat(again.status()).isEqualTo(200);
  }

  @Test
  void checksTwilioBasicAuthAndAnswersUnknownPathsWith20404() {
    SimTestSupport.Answer noAuth = sim.form("GET", "/sim/conversations/v1/Conversations", Map.of(), null);
    assertThat(noAuth.status()).isEqualTo(401);
    assertThat(noAuth.json()).containsEntry("code", 20003).containsEntry("message", "Authenticate");
    SimTestSupport.Answer unknown = sim.form("GET", "/sim/conversations/v1/Nothing", Map.of());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json()).containsEntry("code", 20404);
    assertThat(sim.form("GET", "/sim/conversations/v1/Conversations", Map.of("Foo", "1")).status())
        .isEqualTo(400);
  }

  // ---- twilio-java against the simulator ----

  @Test
  void twilioJavaParsesEveryAnswerAndTheBindingRuleGives50416() {
    Conversation first = Conversation.creator().setFriendlyName("first").create(twilio);
    assertThat(first.getSid()).matches("CH[0-9a-f]{32}");
    assertThat(first.getState()).isEqualTo(Conversation.State.ACTIVE);
    Participant customer = Participant.creator(first.getSid())
        .setMessagingBindingAddress("+15550000001").setMessagingBindingProxyAddress("+15559990000")
        .create(twilio);
    assertThat(customer.getSid()).startsWith("MB");
    Participant.creator(first.getSid()).setIdentity("agent_zed").create(twilio);

    Conversation second = Conversation.creator().create(twilio);
    assertThatThrownBy(() -> Participant.creator(second.getSid())
        .setMessagingBindingAddress("+15550000001").setMessagingBindingProxyAddress("+15559990000")
        .create(twilio))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(50416);
          assertThat(e.getStatusCode()).isEqualTo(409);
          assertThat(e.getMessage()).isEqualTo("A binding for this participant and proxy address"
              + " already exists in Conversation " + first.getSid());
        });

    Conversation updated = Conversation.updater(first.getSid()).setTimersInactive("PT5M")
        .setTimersClosed("PT30M").update(twilio);
    assertThat(updated.getTimers()).isNotNull();
    assertThatThrownBy(() -> Conversation.updater(first.getSid()).setTimersClosed("PT5M").update(twilio))
        .isInstanceOf(ApiException.class);

    Interaction interaction = Interaction.creator(Map.of("type", "sms", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", first.getSid())))
        .setRouting(routing(first.getSid())).create(twilio);
    assertThat(interaction.getSid()).matches("KD[0-9a-f]{32}");
    String channelSid = channelSid(interaction);
    assertThat(channelSid).matches("UO[0-9a-f]{32}");

    List<Task> tasks = new ArrayList<>();
    Task.reader(WS).setEvaluateTaskAttributes("conversationSid == \"" + first.getSid() + "\"")
        .read(twilio).forEach(tasks::add);
    assertThat(tasks).hasSize(1);
    Task task = tasks.get(0);
    assertThat(task.getAssignmentStatus()).isEqualTo(Task.Status.PENDING);
    Map<String, Object> attrs = SimJson.lenientObject(task.getAttributes());
    assertThat(attrs).containsEntry("conversationSid", first.getSid())
        .containsEntry("flexInteractionSid", interaction.getSid())
        .containsEntry("flexInteractionChannelSid", channelSid)
        .containsEntry("channelType", "sms").containsEntry("direction", "inbound")
        .containsEntry("origin", "test");
    List<Task> none = new ArrayList<>();
    Task.reader(WS).setEvaluateTaskAttributes("conversationSid == 'CHnope' AND origin == 'test'")
        .read(twilio).forEach(none::add);
    assertThat(none).isEmpty();

    InteractionChannelInvite invite = InteractionChannelInvite.creator(interaction.getSid(),
        channelSid, SimJson.object(routing(first.getSid()), "Routing")).create(twilio);
    assertThat(invite.getSid()).matches("KG[0-9a-f]{32}");
    List<Task> pending = new ArrayList<>();
    Task.reader(WS).setAssignmentStatus(List.of("pending", "reserved"))
        .setEvaluateTaskAttributes("conversationSid == '" + first.getSid() + "'")
        .read(twilio).forEach(pending::add);
    assertThat(pending).hasSize(2);
    assertThat(pending).anyMatch(t -> invite.getSid().equals(
        SimJson.lenientObject(t.getAttributes()).get("flexChannelInviteSid")));

    InteractionChannel closed = InteractionChannel.updater(interaction.getSid(), channelSid,
        InteractionChannel.UpdateChannelStatus.CLOSED).setRouting(Map.of("status", "closed")).update(twilio);
    assertThat(closed.getStatus()).isEqualTo(InteractionChannel.ChannelStatus.CLOSED);
    assertThat(Conversation.fetcher(first.getSid()).fetch(twilio).getState())
        .isEqualTo(Conversation.State.CLOSED);
    List<Task> after = new ArrayList<>();
    Task.reader(WS).setEvaluateTaskAttributes("conversationSid == '" + first.getSid() + "'")
        .read(twilio).forEach(after::add);
    assertThat(after).allMatch(t -> t.getAssignmentStatus() == Task.Status.CANCELED);
    assertThat(after).allMatch(t -> "Interaction channel closed".equals(t.getReason()));

    // the binding is free again once its conversation is closed
    Participant again = Participant.creator(second.getSid())
        .setMessagingBindingAddress("+15550000001").setMessagingBindingProxyAddress("+15559990000")
        .create(twilio);
    assertThat(again.getConversationSid()).isEqualTo(second.getSid());
    // a closed conversation takes no messages
    assertThatThrownBy(() -> com.twilio.rest.conversations.v1.conversation.Message
        .creator(first.getSid()).setAuthor("system").setBody("hi").create(twilio))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(50434));
  }

  @Test
  void inboundSmsAutoCreatesThenAppendsAndKeepsTheBindingRule() {
    smsAddress("+15559990001");
    Map<String, Object> first = sim.control("POST", "/inbound", Map.of("from", "+15550000002",
        "to", "+15559990001", "body", "hello", "channel", "sms")).json();
    assertThat(first).containsEntry("createdConversation", true);
    String ch = (String) first.get("conversationSid");
    Map<String, Object> second = sim.control("POST", "/inbound", Map.of("from", "+15550000002",
        "to", "+15559990001", "body", "again")).json();
    assertThat(second).containsEntry("conversationSid", ch).containsEntry("createdConversation", false);
    SimTestSupport.Answer conflict = sim.form("POST", "/sim/conversations/v1/Conversations/"
        + Conversation.creator().create(twilio).getSid() + "/Participants",
        Map.of("MessagingBinding.Address", "+15550000002", "MessagingBinding.ProxyAddress", "+15559990001"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json()).containsEntry("code", 50416);
    assertThat((String) conflict.json().get("message")).endsWith("in Conversation " + ch);

    Map<String, Object> state = sim.control("GET", "/state/conversations/" + ch, null).json();
    assertThat(state).containsEntry("state", "active");
    assertThat((List<?>) state.get("messages")).hasSize(2);

    // onConversationAdded, onParticipantAdded, onMessageAdded x2: once each to the receiver,
    // though the address webhook and the service webhook name the same URL
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(receiver.events("/conversations", "onMessageAdded")).hasSize(2));
    assertThat(receiver.events("/conversations", "onConversationAdded")).hasSize(1);
    assertThat(receiver.events("/conversations", "onParticipantAdded")).hasSize(1);
    WebhookReceiver.Received added = receiver.events("/conversations", "onMessageAdded").get(0);
    assertThat(added.params()).containsEntry("ConversationSid", ch).containsEntry("Source", "SMS")
        .containsEntry("Author", "+15550000002").containsEntry("Body", "hello")
        .containsEntry("Index", "0").containsKey("MessageSid").containsKey("ParticipantSid");

    // timer: inactive, then a customer message re-activates, then closed by the timer
    assertThat(sim.control("POST", "/conversations/" + ch + "/timer", Map.of("to", "inactive"))
        .status()).isEqualTo(200);
    sim.control("POST", "/inbound", Map.of("from", "+15550000002", "to", "+15559990001", "body", "x"));
    assertThat(sim.control("GET", "/state/conversations/" + ch, null).json()).containsEntry("state", "active");
    assertThat(sim.control("POST", "/conversations/" + ch + "/timer", Map.of("to", "closed"))
        .status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(receiver.events("/conversations", "onConversationStateUpdated"))
            .anyMatch(r -> "closed".equals(r.params().get("StateTo"))
                && "TIMER".equals(r.params().get("Reason"))));
    Map<String, Object> third = sim.control("POST", "/inbound", Map.of("from", "+15550000002",
        "to", "+15559990001", "body", "new one")).json();
    assertThat(third.get("conversationSid")).isNotEqualTo(ch);
    assertThat(third).containsEntry("createdConversation", true);
  }

  @Test
  void webhooksCarryASignatureTwilioJavaAccepts() {
    smsAddress("+15559990002");
    sim.control("POST", "/inbound", Map.of("from", "+15550000003", "to", "+15559990002",
        "body", "sign me"));
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(receiver.events("/conversations", "onMessageAdded")).hasSize(1));
    RequestValidator validator = new RequestValidator(SandboxDefaults.AUTH_TOKEN);
    for (WebhookReceiver.Received r : receiver.all()) {
      assertThat(r.headers().get("x-twilio-signature")).isNotBlank();
      assertThat(r.headers().get("i-twilio-idempotency-token")).isNotBlank();
      assertThat(r.headers().get("user-agent")).isEqualTo("TwilioProxy/1.1");
      assertThat(validator.validate(receiver.url(r.path()), r.params(),
          r.headers().get("x-twilio-signature"))).as(r.path() + " " + r.params()).isTrue();
      assertThat(validator.validate(receiver.url(r.path()), Map.of("EventType", "forged"),
          r.headers().get("x-twilio-signature"))).isFalse();
    }
    assertThat(receiver.events("/pre-event", "onMessageAdd")).hasSize(1);
  }

  @Test
  void preEventRejectionKeepsTheMessageOut() {
    smsAddress("+15559990003");
    receiver.reply("/pre-event", 403, "{\"reason\":\"blocked sender\"}");
    Map<String, Object> answer = sim.control("POST", "/inbound", Map.of("from", "+15550000004",
        "to", "+15559990003", "body", "spam")).json();
    assertThat(answer).containsEntry("rejected", true);
    assertThat((String) answer.get("reason")).contains("blocked sender");
    receiver.reply("/pre-event", 200, "{\"body\":\"[redacted]\"}");
    Map<String, Object> modified = sim.control("POST", "/inbound", Map.of("from", "+15550000005",
        "to", "+15559990003", "body", "my card 4111")).json();
    Map<String, Object> state = sim.control("GET", "/state/conversations/"
        + modified.get("conversationSid"), null).json();
    assertThat((List<Map<String, Object>>) state.get("messages"))
        .extracting(m -> m.get("body")).containsExactly("[redacted]");
  }

  @Test
  void virtualAgentsRunATaskToCompletionWithItsEvents() {
    sim.control("PUT", "/agents", Map.of("mode", "auto", "acceptAfterMs", 200, "wrapupAfterMs", 200,
        "completeAfterMs", 100));
    Conversation c = Conversation.creator().create(twilio);
    Interaction i = Interaction.creator(Map.of("type", "chat", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", c.getSid()))).setRouting(routing(c.getSid()))
        .create(twilio);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(receiver.events("/taskrouter", "task.completed")).hasSize(1));
    List<String> order = receiver.events("/taskrouter", null).stream()
        .map(r -> r.params().get("EventType")).toList();
    assertThat(order).containsSubsequence("task.created", "reservation.created",
        "reservation.accepted", "task.wrapup", "task.completed");
    WebhookReceiver.Received accepted = receiver.events("/taskrouter", "reservation.accepted").get(0);
    assertThat(accepted.params()).containsKeys("ReservationSid", "WorkerSid", "WorkerName",
        "TaskSid", "TaskAttributes", "Timestamp", "Sid", "WorkspaceSid");
    assertThat(SimJson.lenientObject(accepted.params().get("TaskAttributes")))
        .containsEntry("flexInteractionSid", i.getSid());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(receiver.events("/conversations", "onParticipantAdded")).isNotEmpty();
      assertThat(receiver.events("/conversations", "onParticipantRemoved")).isNotEmpty();
    });
    // the channel is the app's to close
    Map<String, Object> view = sim.control("GET", "/state/interactions/" + i.getSid(), null).json();
    assertThat((List<Map<String, Object>>) view.get("channels")).allMatch(ch -> "active".equals(ch.get("status")));
  }

  /**
   * Delays that make the reserve and the accept due at the same moment (acceptAfterMs ≤ 100 ms):
   * the agent must still accept every task, i.e. never try the accept before the reservation.
   */
  @Test
  void virtualAgentsOnZeroDelaysRunEveryTaskToCompletion() {
    sim.control("PUT", "/agents", Map.of("mode", "auto", "acceptAfterMs", 0, "wrapupAfterMs", 0,
        "completeAfterMs", 0));
    try {
      int n = 40;
      for (int k = 0; k < n; k++) {
        Conversation c = Conversation.creator().create(twilio);
        Interaction.creator(Map.of("type", "chat", "initiated_by", "customer",
            "properties", Map.of("media_channel_sid", c.getSid()))).setRouting(routing(c.getSid()))
            .create(twilio);
      }
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(sim.control("GET", "/state/tasks", null).jsonList())
            .hasSize(n).allSatisfy(t -> assertThat(t.get("status")).as("task %s", t.get("sid"))
                .isEqualTo("completed"));
        assertThat(receiver.events("/taskrouter", "reservation.accepted")).hasSize(n);
        assertThat(receiver.events("/taskrouter", "task.completed")).hasSize(n);
      });
    } finally {
      manualAgents();
    }
  }

  @Test
  void controlActionsFollowTaskRouterRules() {
    Conversation c = Conversation.creator().create(twilio);
    Interaction.creator(Map.of("type", "sms", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", c.getSid()))).setRouting(routing(c.getSid())).create(twilio);
    List<Map<String, Object>> tasks = sim.control("GET", "/state/tasks?conversationSid=" + c.getSid(), null).jsonList();
    assertThat(tasks).hasSize(1);
    String taskSid = (String) tasks.get(0).get("sid");
    assertThat(sim.control("POST", "/tasks/" + taskSid + "/complete", Map.of()).status()).isEqualTo(409);
    assertThat(sim.control("POST", "/tasks/WT0123456789abcdef0123456789abcdef/accept", Map.of()).status())
        .isEqualTo(404);
    assertThat(sim.control("POST", "/tasks/" + taskSid + "/timeout", Map.of()).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(receiver.events("/taskrouter", "task.canceled")).hasSize(1));
    List<String> order = receiver.events("/taskrouter", null).stream()
        .map(r -> r.params().get("EventType")).toList();
    assertThat(order).containsSubsequence("task.created", "workflow.timeout", "task.canceled");
    assertThat(receiver.events("/taskrouter", "task.canceled").get(0).params())
        .containsEntry("TaskCanceledReason", "Workflow Timeout");
    assertThat(sim.control("POST", "/tasks/" + taskSid + "/bogus", Map.of()).status()).isEqualTo(400);
    assertThat(sim.control("PUT", "/agents", "{not json").status()).isEqualTo(400);
  }

  @Test
  void applyThenFailAppliesThePostAndAnswers500() {
    SimTestSupport.Answer faults = sim.control("PUT", "/faults", Map.of("rate", 1, "statuses",
        List.of(500), "applyThenFail", true));
    assertThat(faults.status()).isEqualTo(200);
    assertThatThrownBy(() -> Conversation.creator().setUniqueName("made-anyway").create(twilio))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getStatusCode()).isEqualTo(500);
          assertThat(e.getCode()).isEqualTo(20500);
        });
    sim.control("PUT", "/faults", Map.of("rate", 0));
    assertThat(Conversation.fetcher("made-anyway").fetch(twilio).getUniqueName()).isEqualTo("made-anyway");
    sim.control("PUT", "/faults", Map.of("rate", 1, "statuses", List.of(503)));
    SimTestSupport.Answer refused = sim.form("POST", "/sim/conversations/v1/Conversations",
        Map.of("UniqueName", "never"));
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json()).containsEntry("code", 20503);
    sim.control("PUT", "/faults", Map.of("rate", 0));
    assertThat(sim.form("GET", "/sim/conversations/v1/Conversations/never", Map.of()).status()).isEqualTo(404);
    List<Map<String, Object>> log = sim.control("GET", "/requests?path=/Conversations", null).jsonList();
    assertThat(log).anyMatch(e -> "/sim/conversations/v1/Conversations".equals(e.get("path"))
        && "never".equals(((Map<?, ?>) e.get("params")).get("UniqueName")));
  }

  @Test
  void faultsCanBeAimedAtOneRequestAndA429NeverChangesAnything() {
    assertThat(sim.control("PUT", "/faults", Map.of("rate", 1, "statuses", List.of(429),
        "applyThenFailShare", 1, "only", "^POST /sim/conversations/v1/Conversations$", "count", 1))
        .status()).isEqualTo(200);
    assertThat(sim.form("GET", "/sim/conversations/v1/Conversations?PageSize=1", Map.of()).status())
        .as("not aimed at").isEqualTo(200);
    assertThat(sim.form("POST", "/sim/conversations/v1/Conversations", Map.of("UniqueName", "throttled"))
        .status()).isEqualTo(429);
    assertThat(sim.form("GET", "/sim/conversations/v1/Conversations/throttled", Map.of()).status())
        .as("a 429 is refused before anything is done").isEqualTo(404);
    assertThat(sim.form("POST", "/sim/conversations/v1/Conversations", Map.of("UniqueName", "second"))
        .status()).as("only one fault (count 1)").isIn(200, 201);
    Map<String, Object> settings = sim.control("GET", "/faults", null).json();
    assertThat(settings).containsEntry("injected", 1).containsEntry("injectedAfterApply", 0);
    assertThat(sim.control("PUT", "/faults", Map.of("rate", 1, "only", "(")).status()).isEqualTo(400);
    sim.control("PUT", "/faults", Map.of("rate", 0));
  }

  @Test
  void rateLimitAnswers429() {
    sim.control("PUT", "/limits", Map.of("interactionsPerSecond", 1));
    Conversation c = Conversation.creator().create(twilio);
    Map<String, Object> channel = Map.of("type", "sms", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", c.getSid()));
    Interaction.creator(channel).setRouting(routing(c.getSid())).create(twilio);
    assertThatThrownBy(() -> Interaction.creator(channel).setRouting(routing(c.getSid())).create(twilio))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getCode()).isEqualTo(20429));
  }

  @Test
  void answersMatchTheSpecsResponseSchemas() {
    Conversation c = Conversation.creator().setAttributes("{\"a\":1}").create(twilio);
    Participant.creator(c.getSid()).setMessagingBindingAddress("+15550000009")
        .setMessagingBindingProxyAddress("+15559990009").create(twilio);
    Interaction i = Interaction.creator(Map.of("type", "sms", "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", c.getSid()))).setRouting(routing(c.getSid()))
        .create(twilio);
    String task = (String) sim.control("GET", "/state/tasks?conversationSid=" + c.getSid(), null)
        .jsonList().get(0).get("sid");
    Map<String, String> calls = new java.util.LinkedHashMap<>();
    calls.put("conversations", "/v1/Conversations/" + c.getSid());
    calls.put("conversations ", "/v1/Conversations/" + c.getSid() + "/Participants");
    calls.put("conversations  ", "/v1/ParticipantConversations?Address=%2B15550000009");
    calls.put("conversations   ", "/v1/Configuration");
    calls.put("flex-api", "/v1/Interactions/" + i.getSid());
    calls.put("flex-api ", "/v1/Interactions/" + i.getSid() + "/Channels");
    calls.put("flex-api  ", "/v1/Configuration");
    calls.put("taskrouter", "/v1/Workspaces/" + WS + "/Tasks/" + task);
    calls.put("taskrouter ", "/v1/Workspaces/" + WS + "/Tasks");
    calls.put("taskrouter  ", "/v1/Workspaces/" + WS);
    calls.put("taskrouter   ", "/v1/Workspaces/" + WS + "/Workers");
    calls.put("taskrouter    ", "/v1/Workspaces/" + WS + "/Workflows/" + WF);
    calls.forEach((productKey, path) -> {
      String product = productKey.trim();
      SimTestSupport.Answer a = sim.form("GET", "/sim/" + product + path, Map.of());
      assertThat(a.status()).as(path).isEqualTo(200);
      String file = switch (product) {
        case "flex-api" -> "twilio_flex_v1.json";
        case "conversations" -> "twilio_conversations_v1.json";
        default -> "twilio_taskrouter_v1.json";
      };
      com.atlassian.oai.validator.OpenApiInteractionValidator validator =
          com.atlassian.oai.validator.OpenApiInteractionValidator
              .createForSpecificationUrl("twilio-oai/" + file).build();
      String specPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      com.atlassian.oai.validator.report.ValidationReport report = validator.validateResponse(
          specPath, com.atlassian.oai.validator.model.Request.Method.GET,
          com.atlassian.oai.validator.model.SimpleResponse.Builder.ok()
              .withContentType("application/json").withBody(a.body()).build());
      assertThat(report.getMessages()).as(path + " " + a.body()).isEmpty();
    });
  }

  @SuppressWarnings("unchecked")
  private static String channelSid(Interaction i) {
    return (String) ((Map<String, Object>) i.getChannel()).get("sid");
  }
}
