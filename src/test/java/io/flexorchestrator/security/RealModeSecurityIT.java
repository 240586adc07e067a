package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.ChildApp;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.support.WebhookClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in child JVMs on ONE H2 file database, given by a bare file URL as a user
 * would write it (three starts, two of them refused early):
 * <ol>
 *   <li>sandbox mode: 20 signed inbound messages are acknowledged, then kill -9 at once;</li>
 *   <li>real mode with a short customer-identity key: refused before anything starts;</li>
 *   <li>real mode with a good key but a weak admin password, on the database the sandbox used:
 *       refused, naming both the password policy and the sandbox's account;</li>
 *   <li>every acknowledged message is in the database file (nothing lost to the kill).</li>
 * </ol>
 * A changed admin password is the valid one after a restart: {@code OperatorAccessSecurityIT}
 * (the start-up step itself) and {@code CrashRecoveryIT} (a real-mode node restarted with it).
 */
class RealModeSecurityIT extends SandboxIT {

  private static final int MESSAGES = 20;

  @TempDir Path dir;

  @Test
  void sandboxLeftoversWeakSecretsAndAKilledNodeOnABareH2FileUrl() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("db/orchestrator").toAbsolutePath();
    int childPort = ChildApp.freePort();

    // 1. sandbox: acknowledged webhooks, then the plug is pulled
    ChildApp sandbox = new ChildApp(dir.resolve("sandbox"), childPort,
        Map.of("SPRING_DATASOURCE_URL", url), List.of("--orchestrator.checkup.enabled=false"));
    List<String> acknowledged = new ArrayList<>();
    try {
      sandbox.start();
      WebhookClient twilio = new WebhookClient(childPort);
      for (int i = 0; i < MESSAGES; i++) {
        String ch = "CH" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> message = new LinkedHashMap<>();
        message.put("EventType", "onMessageAdded");
        message.put("ConversationSid", ch);
        message.put("MessageSid", "IM" + ch.substring(2));
        message.put("ChatServiceSid", SandboxDefaults.CHAT_SERVICE_SID);
        message.put("Author", "+15551239" + String.format("%03d", i));
        message.put("Source", "SMS");
        message.put("DateCreated", Instant.now().toString());
        assertThat(twilio.post("/webhooks/conversations", message).statusCode()).isEqualTo(200);
        acknowledged.add(ch);
      }
    } finally {
      sandbox.kill();
    }

    // 2. real mode refuses a short pseudonym key before anything starts
    Map<String, String> real = new HashMap<>(
        ChildApp.realModeAgainstSimulator(port, "http://localhost:" + childPort, dir, "Real-Mode-Secret-1"));
    real.put("SPRING_DATASOURCE_URL", url);
    real.put("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", "change-me");
    ChildApp shortKey = new ChildApp(dir.resolve("short-key"), childPort, real, List.of());
    assertThat(shortKey.startExpectingRefusal()).as(shortKey.tail()).isNotZero();
    assertThat(shortKey.log()).contains("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY has 9 characters");

    // 3. a weak admin password, on the database a sandbox ran on: refused, naming both
    real.put("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", ChildApp.CUSTOMER_IDENTITY_KEY);
    real.put("CAMUNDA_BPM_ADMINUSER_PASSWORD", "change-me");
    ChildApp weak = new ChildApp(dir.resolve("weak"), childPort, real, List.of());
    assertThat(weak.startExpectingRefusal()).as(weak.tail()).isNotZero();
    assertThat(weak.log()).contains("Real mode refuses to start")
        .contains("CAMUNDA_BPM_ADMINUSER_PASSWORD fails Camunda's password policy")
        .contains("at least 10 characters")
        .contains("the database holds the sandbox's account \"demo\"");

    // 4. nothing acknowledged before the kill is lost (read from the database file itself)
    try (Connection h2 = DriverManager.getConnection(url, "sa", "")) {
      for (String ch : acknowledged) {
        try (PreparedStatement query = h2.prepareStatement(
            "SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?")) {
          query.setString(1, ch);
          try (ResultSet rows = query.executeQuery()) {
            rows.next();
            assertThat(rows.getInt(1)).as("acknowledged before the kill: " + ch).isEqualTo(1);
          }
        }
      }
    }
  }
}
