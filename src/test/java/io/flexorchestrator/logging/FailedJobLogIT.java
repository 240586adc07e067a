package io.flexorchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A Twilio call that fails (twice a 503, then it works) is one log line per failed attempt, not a
 * stack trace per attempt from the engine.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailedJobLogIT extends SandboxIT {

  @Autowired HistoryService history;

  @Test
  void aFailedTwilioJobIsOneShortLine(CapturedOutput output) {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    assertThat(sim().put("/sim/control/faults", Map.of("rate", 1, "statuses", List.of(503),
        "only", "^POST .*/Interactions$", "count", 2)).status()).isEqualTo(200);
    int from = output.getOut().length();
    String ch = sandbox.inbound(Sandbox.newCustomer());
    sandbox.awaitTask(ch, "pending");

    await().atMost(Duration.ofSeconds(10)).until(() -> lines(output, from, "Twilio create-interaction for " + ch
        + " failed: HTTP 503").size() == 2);
    List<String> logged = output.getOut().substring(from).lines().toList();
    assertThat(logged).as("no stack trace").noneMatch(line -> line.startsWith("\tat ")
        || line.contains("ENGINE-16004") || line.contains("ENGINE-14006"));
  }

  private static List<String> lines(CapturedOutput output, int from, String text) {
    return output.getOut().substring(from).lines().filter(line -> line.contains(text)).toList();
  }
}
