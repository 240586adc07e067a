package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.support.WebhookClient;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Behind a proxy: Twilio calls (and signs) ORCHESTRATOR_PUBLIC_URL, the app listens on
 * localhost. Its own in-memory database, so this context does not share the other ITs' engine.
 * The public URL is https, so the session cookie is Secure; the management endpoints live on a
 * port of their own, with the same rules as on the main port.
 */
@TestPropertySource(properties = {
    "orchestrator.public-url=" + BehindProxyIT.PUBLIC_URL,
    "spring.datasource.url=jdbc:h2:mem:behind-proxy-it;DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=256",
    "camunda.bpm.process-engine-name=behindProxyIt",
    "camunda.bpm.webapp.enabled=false",
    "management.server.port=0"})
class BehindProxyIT extends SandboxIT {

  static final String PUBLIC_URL = "https://orchestrator.example.com/flex";

  @Autowired HistoryService history;
  @Autowired JdbcTemplate jdbc;
  @Autowired jakarta.servlet.ServletContext servletContext;
  @org.springframework.boot.test.web.server.LocalManagementPort int managementPort;

  @Test
  void behindTlsTheSessionCookieIsSecure() {
    assertThat(servletContext.getSessionCookieConfig().isSecure()).isTrue();
    assertThat(servletContext.getSessionCookieConfig().isHttpOnly()).isTrue();
  }

  @Test
  void theManagementEndpointsCanLiveOnAPortOfTheirOwn() {
    assertThat(managementPort).isNotEqualTo(port);
    assertThat(new io.flexorchestrator.support.HttpJson(port).get("/actuator/health/liveness").status())
        .as("not on the main port").isEqualTo(404);
    var management = new io.flexorchestrator.support.HttpJson(managementPort);
    assertThat(management.get("/actuator/health/liveness").status()).isEqualTo(200);
    assertThat(management.get("/actuator/health").body()).doesNotContain("\"details\"");
    assertThat(management.get("/actuator/health/operator").status()).isEqualTo(401);
    var operator = new io.flexorchestrator.support.HttpJson(managementPort, "demo", "demo");
    assertThat(operator.get("/actuator/health/operator").status()).isEqualTo(200);
    assertThat(operator.get("/actuator/env").status()).isEqualTo(403);
  }

  @Test
  void webhooksSignedOverThePublicUrlAreAcceptedAndProcessed() {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    // the simulator signs over the public URL and delivers to the local listener, as a proxy would
    String task = sandbox.awaitTask(ch, "pending");
    JsonNode deliveries = sim().get("/sim/control/webhooks").json();
    assertThat(deliveries).isNotEmpty();
    for (JsonNode delivery : deliveries) {
      assertThat(delivery.path("url").asText()).startsWith(PUBLIC_URL + "/webhooks/");
      assertThat(delivery.path("status").asInt()).as("answer to %s", delivery).isBetween(200, 299);
    }

    Map<String, String> later = new LinkedHashMap<>();
    later.put("EventType", "onMessageAdded");
    later.put("ConversationSid", ch);
    later.put("MessageSid", "IM0000000000000000000000000000b001");
    later.put("Author", "+15551230001");
    later.put("Body", "still there?");
    later.put("Source", "SMS");
    WebhookClient local = webhooks();
    WebhookClient proxied = new WebhookClient(port, PUBLIC_URL);
    assertThat(local.post("/webhooks/conversations", later).statusCode())
        .as("signed over the local URL").isEqualTo(403);
    assertThat(proxied.post("/webhooks/conversations", later).statusCode())
        .as("signed over the public URL").isEqualTo(200);
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND event_type = 'onMessageAdded' AND payload LIKE '%IM0000000000000000000000000000b001%'",
        Long.class, ch)).isEqualTo(1);

    sandbox.task(task, "accept");
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(sandbox.instances(ch)).isEqualTo(1);
  }
}
