package io.flexorchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
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

  @Autowired HistoryService history;

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

    String log = output.getOut() + output.getErr();
    assertThat(log).as("the capture holds the app's log of these lifecycles")
        .contains(interactions).contains(taskRouterMode).contains("Added agent");
    for (String secret : new String[] {phone, phone.substring(1), otherPhone, otherPhone.substring(1),
        email, "my order 4711"}) {
      assertThat(log).as("log mentions %s", secret).doesNotContain(secret);
    }
  }
}
