package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Twilio read that fails (here: the simulator answers 503 to it) fails only its own diagnostic
 * check, with the reason; the rest of the report is still answered with 200.
 */
class DiagnosticsDegradeIT extends SandboxIT {

  @Autowired HistoryService history;

  private Map<String, JsonNode> checks(String ch) {
    HttpJson.Reply reply = operator().get("/api/diagnostics/conversations/" + ch);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    Map<String, JsonNode> byName = new HashMap<>();
    reply.json().get("checks").forEach(check -> byName.put(check.get("name").asText(), check));
    return byName;
  }

  private void fail(String only) {
    assertThat(sim().put("/sim/control/faults", Map.of("rate", 1, "statuses", List.of(503), "only", only))
        .status()).isEqualTo(200);
  }

  @Test
  void aFailingTwilioReadFailsOnlyItsOwnCheck() {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    sandbox.awaitTask(ch, "pending");

    fail("^GET .*/Conversations/" + ch + "/Participants.*");
    Map<String, JsonNode> participantsDown = checks(ch);
    assertThat(participantsDown.get("participants").get("ok").asBoolean()).isFalse();
    assertThat(participantsDown.get("participants").get("detail").asText())
        .contains("could not be read from Twilio").contains("503");
    assertThat(participantsDown.get("conversation").get("ok").asBoolean()).isTrue();
    assertThat(participantsDown.get("lifecycle").get("ok").asBoolean()).isTrue();
    assertThat(participantsDown).containsKeys("tasks", "interaction", "inbox");

    fail("^GET .*/Workspaces/.*/Tasks.*");
    Map<String, JsonNode> tasksDown = checks(ch);
    assertThat(tasksDown.get("tasks").get("detail").asText()).contains("could not be read from Twilio");
    assertThat(tasksDown.get("participants").get("ok").asBoolean()).isTrue();

    fail("^GET .*/Conversations/" + ch + "$");
    Map<String, JsonNode> conversationDown = checks(ch);
    assertThat(conversationDown.get("conversation").get("ok").asBoolean()).isFalse();
    assertThat(conversationDown.get("conversation").get("detail").asText()).contains("503");
    assertThat(conversationDown.get("lifecycle").get("detail").asText()).startsWith("running");
  }
}
