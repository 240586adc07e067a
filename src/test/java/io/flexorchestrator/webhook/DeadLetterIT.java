package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.support.SandboxIT;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** An event that can never be applied is retried, then dead-lettered and shown in /api/inbox. */
class DeadLetterIT extends SandboxIT {

  private static final String CH = "CH0000000000000000000000000000dead";

  @Autowired RuntimeService runtime;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anEventItsInstanceNeverWaitsForIsDeadLetteredNotDropped() {
    // a lifecycle waiting for its agent but without an interaction channel: started right at the
    // wait (no job that could end it first), the event can never be matched to it
    String instance = runtime.createProcessInstanceByKey(LifecycleMessages.PROCESS_KEY)
        .businessKey(CH).setVariable("conversationSid", CH).setVariable("retryCycle", "R1/PT1H")
        .startBeforeActivity("gateway-wait-for-agent")
        .execute().getId();

    Map<String, String> accepted = new LinkedHashMap<>();
    accepted.put("EventType", "reservation.accepted");
    accepted.put("TaskSid", "WT0000000000000000000000000000dead");
    accepted.put("ReservationSid", "WR0000000000000000000000000000dead");
    accepted.put("WorkerSid", "WK0000000000000000000000000000dead");
    accepted.put("TaskAttributes", "{\"conversationSid\":\"" + CH + "\"}");
    accepted.put("Timestamp", Long.toString(System.currentTimeMillis() / 1000));
    assertThat(webhooks().post("/webhooks/taskrouter", accepted).statusCode()).isEqualTo(204);

    await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
        "SELECT attempts FROM webhook_inbox WHERE conversation_sid = ?", Integer.class, CH) >= 2);
    assertThat(jdbc.queryForObject("SELECT status FROM webhook_inbox WHERE conversation_sid = ?",
        String.class, CH)).isEqualTo("PENDING");

    // as if it had been waiting longer than the time limit
    jdbc.update("UPDATE webhook_inbox SET received_at = ? WHERE conversation_sid = ?",
        Timestamp.from(Instant.now().minus(Duration.ofHours(1))), CH);
    await().atMost(Duration.ofSeconds(30)).until(() -> "DEAD".equals(jdbc.queryForObject(
        "SELECT status FROM webhook_inbox WHERE conversation_sid = ?", String.class, CH)));

    JsonNode dead = operator().get("/api/inbox?status=DEAD&conversationSid=" + CH).json();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).toString()).contains("reservation.accepted").contains("not created yet");
    runtime.deleteProcessInstance(instance, "test over");
  }
}
