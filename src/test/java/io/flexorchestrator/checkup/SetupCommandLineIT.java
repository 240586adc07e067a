package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.ChildApp;
import io.flexorchestrator.support.SandboxIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code --setup}: the packaged app, in its own JVM and pointed at this test's simulator, applies
 * the set-up (here: webhooks to its own public URL), prints what it changed, never starts the job
 * executor, and exits with 0. Afterwards this app's own set-up is applied again.
 */
class SetupCommandLineIT extends SandboxIT {

  @Autowired TwilioSetup setup;
  @TempDir Path dir;

  @Test
  void setupModeAppliesTheSetupWithoutTheJobExecutorAndExitsWithZero() throws Exception {
    JsonNode before = sim().get("/sim/control/account").json();
    int childPort = ChildApp.freePort();
    String child = "http://localhost:" + childPort;
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-XX:TieredStopAtLevel=1", "-jar", ChildApp.jar().toString(), "--server.port=" + childPort,
        "--setup")
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("setup.log").toFile());
    builder.environment().putAll(
        ChildApp.realModeAgainstSimulator(port, child, dir, "Setup-Test-Secret-1"));
    Process process = builder.start();
    try {
      boolean exited = process.waitFor(300, TimeUnit.SECONDS);
      String output = Files.readString(dir.resolve("setup.log"));
      assertThat(exited).as(output).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).contains("flex-orchestrator setup: changed:")
          .contains("Event Callback URL set to " + child + "/webhooks/taskrouter")
          .contains("Flex Chat Service webhooks set")
          .contains("job executor disabled");
      assertThat(sim().get("/sim/control/account").json().get("eventCallbackUrl").asText())
          .isEqualTo(child + "/webhooks/taskrouter");
    } finally {
      process.destroyForcibly().waitFor();
      sim().put("/sim/control/account", Map.of("eventsFilter", before.path("eventsFilter").asText("")));
      setup.apply();
      setup.checkNow();
    }
    assertThat(sim().get("/sim/control/account").json().get("eventCallbackUrl").asText())
        .endsWith(":" + port + "/webhooks/taskrouter");
  }
}
