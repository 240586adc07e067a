package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.ChildApp;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Kill -9 in the middle of 50 inbound conversations, restart on the same database: every
 * conversation still completes, none twice. The orchestrator under test runs as its own process
 * against this JVM's simulator (so the simulator, "Twilio", survives the crash), with the
 * simulator's webhooks pointed at it for the duration of the test.
 */
class CrashRecoveryIT extends SandboxIT {

  private static final String NUMBER = "+15550004444";
  private static final int CONVERSATIONS = 50;

  @Autowired HistoryService history;
  @TempDir Path dir;

  @Test
  void killedMidBurstAndRestartedEveryConversationCompletesExactlyOnce() throws Exception {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("auto");
    int childPort = ChildApp.freePort();
    String child = "http://localhost:" + childPort;
    // a bare H2 file URL, as a user would write it: the app makes its commits durable itself
    Map<String, String> env = new HashMap<>(
        ChildApp.realModeAgainstSimulator(port, child, dir, "Crash-Test-Secret-1"));
    List<String> args = List.of("--orchestrator.lifecycle.retry-cycle=R10/PT1S",
        "--orchestrator.checkup.enabled=false", "--orchestrator.routing.channels.default.greeting=true");
    // restarted with a changed operator password (CAMUNDA_BPM_ADMINUSER_PASSWORD rotated)
    Map<String, String> rotated = new HashMap<>(env);
    rotated.put("CAMUNDA_BPM_ADMINUSER_PASSWORD", "Crash-Test-Secret-2");
    ChildApp restarted = new ChildApp(dir, childPort, rotated, args);
    ChildApp app = new ChildApp(dir, childPort, env, args);

    Map<String, String> serviceHooks = serviceWebhooks(Map.of());
    String callback = sim().get("/sim/control/account").json().get("eventCallbackUrl").asText();
    try {
      app.start();
      twilio("/conversations/v1/Configuration/Addresses", Map.of("Type", "sms", "Address", NUMBER,
          "AutoCreation.Enabled", "true", "AutoCreation.Type", "webhook",
          "AutoCreation.WebhookUrl", child + "/webhooks/conversations",
          "AutoCreation.WebhookMethod", "post"));
      serviceWebhooks(Map.of("PostWebhookUrl", child + "/webhooks/conversations",
          "PreWebhookUrl", child + "/webhooks/conversations/pre-event"));
      assertThat(sim().put("/sim/control/account", Map.of("eventCallbackUrl", child + "/webhooks/taskrouter"))
          .status()).isEqualTo(200);

      List<String> conversations = Collections.synchronizedList(new ArrayList<>());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int i = 0; i < CONVERSATIONS; i++) {
        pool.execute(() -> conversations.add(sandbox.inbound(Sandbox.newCustomer(), NUMBER, "sms")));
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
      // some interactions are under way, most are not finished: now pull the plug
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> createdInteractions(sandbox, conversations) >= 10);
      app.kill();
      int before = createdInteractions(sandbox, conversations);
      restarted.start();

      HttpJson operator = new HttpJson(childPort, "operator", "Crash-Test-Secret-2");
      assertThat(new HttpJson(childPort, "operator", "Crash-Test-Secret-1").get("/api/inbox").status())
          .as("the password before the rotation").isEqualTo(401);
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
            conversations.stream().allMatch(ch -> "completed".equals(state(operator, ch))));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        Map<String, Long> states = conversations.stream().collect(Collectors.groupingBy(
            ch -> String.valueOf(state(operator, ch)), Collectors.counting()));
        String stuckCh = conversations.stream().filter(ch -> !"completed".equals(state(operator, ch)))
            .findFirst().orElse("");
        String stuck = operator.get("/api/interactions/" + stuckCh).body()
            + "\ninbox: " + operator.get("/api/inbox?status=DONE&conversationSid=" + stuckCh).body()
            + operator.get("/api/inbox?status=IGNORED&conversationSid=" + stuckCh).body()
            + "\nsim deliveries: " + sim().get("/sim/control/webhooks?eventType=task.completed").json()
                .findParents("params").stream().filter(d -> d.toString().contains(stuckCh))
                .map(d -> d.path("status").asText() + "@" + d.path("attempt").asText() + "@"
                    + d.path("at").asText()).toList();
        throw new AssertionError("states after restart: " + states + "\nfirst stuck: " + stuck
            + "\npending: " + operator.get("/api/inbox?status=PENDING&limit=5").body()
            + "\nchild log:\n" + restarted.tail(), e);
      }
      assertThat(before).as("the crash came mid-burst").isLessThan(CONVERSATIONS);
      for (String ch : conversations) {
        Set<String> interactions = sandbox.tasks(ch).stream()
            .map(t -> t.get("interactionSid").asText()).collect(Collectors.toSet());
        assertThat(interactions).as("interactions of " + ch).hasSize(1);
        long greetings = 0;
        for (JsonNode message : sandbox.conversation(ch).get("messages")) {
          greetings += "Contact Center".equals(message.path("author").asText()) ? 1 : 0;
        }
        assertThat(greetings).as("greetings in " + ch).isEqualTo(1);
      }
      assertThat(operator.get("/api/inbox?status=DEAD").json()).isEmpty();
      assertThat(new HashSet<>(conversations)).hasSize(CONVERSATIONS);
    } finally {
      // each step on its own: a node left running or webhooks left pointing at it would play
      // a second orchestrator in the tests that follow
      quietly(app::stop);
      quietly(restarted::stop);
      quietly(() -> serviceWebhooks(serviceHooks));
      quietly(() -> sim().put("/sim/control/account", Map.of("eventCallbackUrl", callback)));
      quietly(this::removeAddress);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      System.err.println("CrashRecoveryIT clean-up step failed: " + e);
    }
  }

  private static String state(HttpJson operator, String ch) {
    JsonNode view = operator.get("/api/interactions/" + ch).json();
    return view == null ? null : view.path("state").asText(null);
  }

  private static int createdInteractions(Sandbox sandbox, List<String> conversations) {
    int created = 0;
    for (String ch : List.copyOf(conversations)) {
      created += sandbox.tasks(ch).isEmpty() ? 0 : 1;
    }
    return created;
  }

  /** The test's address must not stay pointed at a node that is gone (set-up health checks). */
  private void removeAddress() throws Exception {
    JsonNode addresses = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(twilio("/conversations/v1/Configuration/Addresses?PageSize=50", null));
    for (JsonNode address : addresses.path("address_configurations")) {
      if (NUMBER.equals(address.path("address").asText())) {
        HttpRequest delete = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/sim/conversations/v1/Configuration/Addresses/" + address.path("sid").asText()))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (SandboxDefaults.ACCOUNT_SID + ":" + SandboxDefaults.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)))
            .DELETE().build();
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
            .send(delete, HttpResponse.BodyHandlers.discarding());
      }
    }
  }

  /** Sets the Flex Chat Service's webhook URLs; returns what they were. */
  private Map<String, String> serviceWebhooks(Map<String, String> change) throws Exception {
    String path = "/conversations/v1/Services/" + SandboxDefaults.CHAT_SERVICE_SID + "/Configuration/Webhooks";
    JsonNode before = new com.fasterxml.jackson.databind.ObjectMapper().readTree(twilio(path, null));
    if (!change.isEmpty()) {
      twilio(path, change);
    }
    Map<String, String> previous = new LinkedHashMap<>();
    previous.put("PostWebhookUrl", before.path("post_webhook_url").asText(""));
    previous.put("PreWebhookUrl", before.path("pre_webhook_url").asText(""));
    return previous;
  }

  /** A Twilio REST call to the simulator (GET without form, POST with). */
  private String twilio(String path, Map<String, String> form) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sim" + path))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (SandboxDefaults.ACCOUNT_SID + ":" + SandboxDefaults.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8)));
    if (form == null) {
      request.GET();
    } else {
      request.header("Content-Type", "application/x-www-form-urlencoded").POST(
          HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
              .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                  + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"))));
    }
    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isLessThan(300);
    return response.body();
  }
}
