package io.flexorchestrator.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What an operator's monitoring sees: one interaction runs to its end through the simulator and
 * {@code /actuator/prometheus} counts it (started, ended by outcome and mode) beside the webhook,
 * inbox (applied, dead-lettered), Twilio and incident metrics; {@code /actuator/health} shows the
 * engine, job executor, database and Twilio set-up components.
 */
class MetricsIT extends SandboxIT {

  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anInteractionIsCountedFromStartToItsOutcome() {
    Sandbox sandbox = new Sandbox(sim(), history);
    double startedBefore = value(scrape(), "orchestrator_interactions_started_total", "");
    double completedBefore = value(scrape(), "orchestrator_interactions_ended_total",
        "mode=\"interactions\",outcome=\"completed\"");
    double appliedBefore = value(scrape(), "orchestrator_inbox_settled_total", "outcome=\"applied\"");

    sandbox.agents("auto");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String metrics = scrape();
      assertThat(value(metrics, "orchestrator_interactions_started_total", ""))
          .isGreaterThanOrEqualTo(startedBefore + 1);
      assertThat(value(metrics, "orchestrator_interactions_ended_total",
          "mode=\"interactions\",outcome=\"completed\"")).isEqualTo(completedBefore + 1);
      // its webhook events (the task's among them) went through the inbox and were applied
      assertThat(value(metrics, "orchestrator_inbox_settled_total", "outcome=\"applied\""))
          .isGreaterThanOrEqualTo(appliedBefore + 2);
    });
    String metrics = scrape();
    assertThat(metrics)
        .contains("# TYPE orchestrator_interactions_ended_total counter")
        .containsPattern("orchestrator_interactions_active(\\{[^}]*})? ")
        .containsPattern("orchestrator_incidents_open\\{[^}]*process=\"interaction-lifecycle\"[^}]*} ")
        .containsPattern("orchestrator_webhooks_seconds_count\\{[^}]*event=\"task.completed\"")
        .containsPattern("orchestrator_twilio_calls_seconds_count\\{[^}]*operation=\"create-interaction\"")
        .contains("# TYPE orchestrator_inbox_pending gauge", "# TYPE orchestrator_inbox_dead gauge",
            "# TYPE orchestrator_inbox_settled_total counter")
        .containsPattern("(?m)^orchestrator_inbox_settled_total"
            + "\\{event=\"task.completed\",outcome=\"applied\"} ");
  }

  @Test
  void aDeadLetteredEventIsCounted() {
    String ch = "CH" + UUID.randomUUID().toString().replace("-", "");
    double countedBefore = value(scrape(), "orchestrator_inbox_dead_lettered_total", "");
    // as DeadLetterIT: a lifecycle waiting for its agent without an interaction, which therefore
    // never takes the reservation event; backdated past the time limit, the event is dead-lettered
    String instance = runtime.createProcessInstanceByKey(LifecycleMessages.PROCESS_KEY)
        .businessKey(ch).setVariable("conversationSid", ch).setVariable("retryCycle", "R1/PT1H")
        .startBeforeActivity("gateway-wait-for-agent").execute().getId();
    Map<String, String> accepted = new LinkedHashMap<>();
    accepted.put("EventType", "reservation.accepted");
    accepted.put("TaskSid", "WT" + ch.substring(2));
    accepted.put("ReservationSid", "WR" + ch.substring(2));
    accepted.put("WorkerSid", "WK" + ch.substring(2));
    accepted.put("TaskAttributes", "{\"conversationSid\":\"" + ch + "\"}");
    accepted.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
    assertThat(webhooks().post("/webhooks/taskrouter", accepted).statusCode()).isEqualTo(204);
    await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
        "SELECT attempts FROM webhook_inbox WHERE conversation_sid = ?", Integer.class, ch) >= 1);
    jdbc.update("UPDATE webhook_inbox SET received_at = ? WHERE conversation_sid = ?",
        Timestamp.from(Instant.now().minus(Duration.ofHours(1))), ch);

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String metrics = scrape();
      assertThat(metrics).contains("# TYPE orchestrator_inbox_dead_lettered_total counter");
      assertThat(value(metrics, "orchestrator_inbox_dead_lettered_total", ""))
          .isEqualTo(countedBefore + 1);
      assertThat(value(metrics, "orchestrator_inbox_dead", "")).isGreaterThanOrEqualTo(1);
    });
    runtime.deleteProcessInstance(instance, "test over");
  }

  @Test
  void healthShowsEngineJobExecutorDatabaseAndTwilioComponents() {
    HttpJson.Reply health = sim().get("/actuator/health");
    assertThat(health.status()).as(health.body()).isEqualTo(200);
    JsonNode components = health.json().get("components");
    assertThat(components).as(health.body()).isNotNull();
    assertThat(components.fieldNames()).toIterable()
        .contains("processEngine", "jobExecutor", "db", "twilioSetup");
    assertThat(components.get("processEngine").get("status").asText()).isEqualTo("UP");
    assertThat(components.get("db").get("status").asText()).isEqualTo("UP");
    assertThat(components.get("twilioSetup").has("details")).as("details are for the operator only").isFalse();
  }

  /** The Prometheus text format, as a scraper asks for it (HttpJson accepts JSON only). */
  private String scrape() {
    try {
      HttpResponse<String> reply = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
              .header("Accept", "text/plain").timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(200);
      return reply.body();
    } catch (Exception e) {
      throw new IllegalStateException("GET /actuator/prometheus failed", e);
    }
  }

  /** The value of a sample whose labels contain {@code labels} (0 when there is none yet). */
  private static double value(String metrics, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{([^}]*)})? (\\S+)$").matcher(metrics);
    double sum = 0;
    while (m.find()) {
      String found = m.group(2) == null ? "" : m.group(2);
      if (found.contains(labels)) {
        sum += Double.parseDouble(m.group(3));
      }
    }
    return sum;
  }
}
