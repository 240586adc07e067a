package io.flexorchestrator.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The app in sandbox mode on a random port with an in-memory database shared by every IT class
 * with the same settings (one Spring context, started once), fast retry cycles and job polling.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
public abstract class SandboxIT {

  @LocalServerPort
  protected int port;

  /** Every test starts without injected Twilio faults or rate limits, whatever ran before. */
  @org.junit.jupiter.api.BeforeEach
  void noSimulatorFaults() {
    sim().put("/sim/control/faults", java.util.Map.of("rate", 0, "statuses", java.util.List.of()));
    sim().put("/sim/control/limits", java.util.Map.of("interactionsPerSecond", 0));
  }

  protected HttpJson sim() {
    return new HttpJson(port);
  }

  protected HttpJson operator() {
    return new HttpJson(port, "demo", "demo");
  }

  protected WebhookClient webhooks() {
    return new WebhookClient(port);
  }
}
