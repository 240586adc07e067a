package io.flexorchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * What the app logs at INFO during whole lifecycles (both orchestration modes, auto agents)
 * holds no customer phone number, email address or message text.
 */
@ExtendWith(OutputCaptureExtension.class)
class LogPrivacyIT extends SandboxIT {

  private static final String TASKROUTER_MODE_ADDRESS = "+15550003333";
  private static final String BOB = "WK5a5db0c5a5db0c5a5db0c5a5db0c0002";

  @Autowired HistoryService history;
  private Map<String, Object> agentsBefore;

  @BeforeEach
  void rememberAgentSettings() throws IOException {
    agentsBefore = new ObjectMapper().readValue(sim().get("/sim/control/agents").body(),
        new TypeReference<Map<String, Object>>() {});
  }

  @AfterEach
  void restoreAgentSettings() {
    sim().put("/sim/control/agents", agentsBefore);
  }

  @Test
  void noPhoneNumberEmailOrMessageTextInTheLogOfWholeLifecycles(CapturedOutput output) {
    Sandbox sandbox = new Sandbox(sim(), history);
    sim().put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 200,
        "wrapupAfterMs", 500, "completeAfterMs", 300));
    String phone = "+1555" + (7_000_000 + (int) (Math.random() * 999_999));
    String otherPhone = "+1555" + (8_000_000 + (int) (Math.random() * 999_999));
    String email = "jane.private" + (int) (Math.random() * 9999) + "@example.org";
    String text = "my order 4711 is lost, write to " + email + " please";

    String interactions = sim().post("/sim/control/inbound", Map.of("from", phone, "to", "+15550001111",
        "body", text, "channel", "sms")).json().get("conversationSid").asText();
    String taskRouterMode = sim().post("/sim/control/inbound", Map.of("from", otherPhone,
        "to", TASKROUTER_MODE_ADDRESS, "body", text, "channel", "sms")).json().get("conversationSid").asText();
    assertThat(sandbox.awaitOutcome(interactions)).isEqualTo("completed");
    assertThat(sandbox.awaitOutcome(taskRouterMode)).isEqualTo("completed");

    // an agent whose chat identity is an email, as is common in Flex
    String agentEmail = "bob.agent" + (int) (Math.random() * 9999) + "@example.org";
    String original = worker(BOB, null);
    String thirdPhone = "+1555" + (9_000_000 + (int) (Math.random() * 999_999));
    try {
      worker(BOB, original.replace("client:agent_bob", "client:" + agentEmail));
      sandbox.agents("manual");
      String byEmailAgent = sim().post("/sim/control/inbound", Map.of("from", thirdPhone,
          "to", TASKROUTER_MODE_ADDRESS, "body", text, "channel", "sms")).json().get("conversationSid").asText();
      String task = sandbox.awaitTask(byEmailAgent, "pending");
      assertThat(sim().post("/sim/control/tasks/" + task + "/accept", Map.of("workerSid", BOB)).status())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(60)).until(() ->
          sandbox.conversation(byEmailAgent).path("participants").toString().contains(agentEmail));
      sandbox.task(task, "wrapup");
      sandbox.task(task, "complete");
      assertThat(sandbox.awaitOutcome(byEmailAgent)).isEqualTo("completed");
    } finally {
      worker(BOB, original);
    }

    String log = output.getOut() + output.getErr();
    assertThat(log).as("the capture holds the app's log of these lifecycles")
        .contains(interactions).contains(taskRouterMode).contains("Added agent").contains("Removed agent");
    for (String secret : new String[] {phone, phone.substring(1), otherPhone, otherPhone.substring(1),
        thirdPhone, thirdPhone.substring(1), email, agentEmail, "my order 4711"}) {
      assertThat(log).as("log mentions %s", secret).doesNotContain(secret);
    }
  }

  /** The worker's attributes through the simulator's TaskRouter API; sets them first if given. */
  private String worker(String workerSid, String attributes) {
    String auth = Base64.getEncoder().encodeToString(
        (SandboxDefaults.ACCOUNT_SID + ":" + SandboxDefaults.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
    var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/sim/taskrouter/v1/Workspaces/" + SandboxDefaults.WORKSPACE_SID
        + "/Workers/" + workerSid)).header("Authorization", "Basic " + auth);
    if (attributes != null) {
      request.header("Content-Type", "application/x-www-form-urlencoded").POST(
          HttpRequest.BodyPublishers.ofString("Attributes="
              + URLEncoder.encode(attributes, StandardCharsets.UTF_8)));
    }
    try {
      var response = HttpClient.newHttpClient().send(request.build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      return new ObjectMapper().readTree(response.body()).get("attributes").asText();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
