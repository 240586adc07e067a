package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.webhook.Inbox;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Replays of captured signed deliveries: the same signed state change with new (unsigned)
 * delivery tokens is applied once, and an event older than the inbox retention is refused (410)
 * with nothing stored, also after the dedupe keys were purged; refusals do not flood the log.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReplaySecurityIT extends SandboxIT {

  private static final Duration RETENTION = Duration.ofDays(7);

  @Autowired HistoryService history;
  @Autowired JdbcTemplate jdbc;
  @Autowired Inbox inbox;

  private long stored(String conversationSid, String eventType) {
    return jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND event_type = ?", Long.class, conversationSid, eventType);
  }

  private static Map<String, String> stateChange(String ch, String from, String to, Instant at) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", "onConversationStateUpdated");
    params.put("ConversationSid", ch);
    params.put("StateFrom", from);
    params.put("StateTo", to);
    params.put("Reason", "TIMER");
    params.put("DateUpdated", at.toString());
    return params;
  }

  @Test
  void aSignedStateChangeReplayedWithNewDeliveryTokensIsAppliedOnce() {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    sandbox.awaitTask(ch, "pending");
    Map<String, String> inactive = stateChange(ch, "active", "inactive", Instant.now());
    String signature = webhooks().sign("/webhooks/conversations", inactive);
    long before = stored(ch, "onConversationStateUpdated");
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> delivery = webhooks().post("/webhooks/conversations", inactive, signature,
          "replayed-token-" + i + "-" + System.nanoTime());
      assertThat(delivery.statusCode()).as("acknowledged").isEqualTo(200);
    }
    assertThat(stored(ch, "onConversationStateUpdated")).as("stored once").isEqualTo(before + 1);

    // a later change of the same kind is another event and is stored
    Map<String, String> again = stateChange(ch, "active", "inactive", Instant.now().plusSeconds(61));
    assertThat(webhooks().post("/webhooks/conversations", again).statusCode()).isEqualTo(200);
    assertThat(stored(ch, "onConversationStateUpdated")).isEqualTo(before + 2);
  }

  @Test
  void eventsOlderThanTheRetentionAreRefusedAlsoAfterTheirKeysArePurged(CapturedOutput output) {
    String ch = "CH" + java.util.UUID.randomUUID().toString().replace("-", "");
    Instant old = Instant.now().minus(RETENTION).minus(Duration.ofHours(1));
    inbox.purgeOlderThan(Instant.now().minus(RETENTION));

    Map<String, String> taskEvent = new LinkedHashMap<>();
    taskEvent.put("EventType", "task.canceled");
    taskEvent.put("TaskSid", "WT" + ch.substring(2));
    taskEvent.put("TaskAttributes", "{\"conversationSid\":\"" + ch + "\"}");
    taskEvent.put("Timestamp", Long.toString(old.getEpochSecond()));
    Map<String, String> message = new LinkedHashMap<>();
    message.put("EventType", "onMessageAdded");
    message.put("ConversationSid", ch);
    message.put("MessageSid", "IM" + ch.substring(2));
    message.put("Author", "+15551230001");
    message.put("Source", "SMS");
    message.put("DateCreated", old.toString());

    int before = warnings(output);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> task = webhooks().post("/webhooks/taskrouter", taskEvent);
      assertThat(task.statusCode()).isEqualTo(410);
      assertThat(task.body()).contains("older than the inbox retention");
      assertThat(webhooks().post("/webhooks/conversations", message).statusCode()).isEqualTo(410);
      assertThat(webhooks().post("/webhooks/conversations",
          stateChange(ch, "active", "closed", old)).statusCode()).isEqualTo(410);
    }
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?",
        Long.class, ch)).isZero();
    assertThat(warnings(output) - before).as("15 refusals, logged once per endpoint").isLessThanOrEqualTo(2);

    // and a flood of forged signatures leaves one line, not one per request
    int forgedBefore = countLines(output, "refused with 403");
    for (int i = 0; i < 30; i++) {
      assertThat(webhooks().post("/webhooks/taskrouter", taskEvent, "Zm9yZ2Vk" + i, null).statusCode())
          .isEqualTo(403);
    }
    assertThat(countLines(output, "refused with 403") - forgedBefore).isLessThanOrEqualTo(1);
  }

  private static int warnings(CapturedOutput output) {
    return countLines(output, "refused with 410");
  }

  private static int countLines(CapturedOutput output, String text) {
    return (int) output.getOut().lines().filter(line -> line.contains(text)).count();
  }
}
