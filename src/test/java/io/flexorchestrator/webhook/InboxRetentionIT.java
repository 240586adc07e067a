package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.lifecycle.InboxProcessor;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.webhook.InboxEvent.Source;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The inbox's retention cleanup (default 7 days) on the real database. */
class InboxRetentionIT extends SandboxIT {

  private static final String CH = "CH0000000000000000000000000000e001";

  @Autowired InboxProcessor processor;
  @Autowired Inbox inbox;
  @Autowired JdbcTemplate jdbc;

  /** One inbox row and its dedupe key, received {@code age} ago; pending ones never come due here. */
  private long row(String status, Duration age, String key) {
    Timestamp received = Timestamp.from(Instant.now().minus(age));
    Timestamp due = "PENDING".equals(status) ? Timestamp.from(Instant.now().plus(Duration.ofDays(3650)))
        : received;
    jdbc.update("INSERT INTO webhook_inbox (source, event_type, conversation_sid, task_sid, payload,"
        + " status, attempts, received_at, next_attempt_at) VALUES ('TASKROUTER', 'task.completed', ?,"
        + " NULL, '{}', ?, 0, ?, ?)", CH, status, received, due);
    long id = jdbc.queryForObject("SELECT MAX(id) FROM webhook_inbox WHERE conversation_sid = ?",
        Long.class, CH);
    jdbc.update("INSERT INTO webhook_dedupe (dedupe_key, inbox_id, received_at) VALUES (?, ?, ?)",
        key, id, received);
    return id;
  }

  private List<String> statuses() {
    return jdbc.queryForList("SELECT status FROM webhook_inbox WHERE conversation_sid = ? ORDER BY id",
        String.class, CH);
  }

  private List<String> keys() {
    return jdbc.queryForList("SELECT dedupe_key FROM webhook_dedupe WHERE dedupe_key LIKE 'retention-it:%'"
        + " ORDER BY dedupe_key", String.class);
  }

  @AfterEach
  void removeTheRows() {
    jdbc.update("DELETE FROM webhook_dedupe WHERE dedupe_key LIKE 'retention-it:%'");
    jdbc.update("DELETE FROM webhook_inbox WHERE conversation_sid = ?", CH);
  }

  @Test
  void oldSettledRowsAndKeysArePurgedRecentOnesAndPendingEventsKept() {
    Duration old = Duration.ofDays(30);
    Duration recent = Duration.ofHours(1);
    row("DONE", old, "retention-it:1-old-done");
    row("IGNORED", old, "retention-it:2-old-ignored");
    row("PENDING", old, "retention-it:3-old-pending");
    row("DEAD", old, "retention-it:4-old-dead");
    row("DONE", recent, "retention-it:5-recent-done");
    row("PENDING", recent, "retention-it:6-recent-pending");
    jdbc.update("INSERT INTO webhook_dedupe (dedupe_key, inbox_id, received_at) VALUES (?, NULL, ?)",
        "retention-it:7-old-orphan", Timestamp.from(Instant.now().minus(old)));

    processor.purge();

    assertThat(statuses()).containsExactly("PENDING", "DEAD", "DONE", "PENDING");
    assertThat(keys()).containsExactly("retention-it:3-old-pending", "retention-it:4-old-dead",
        "retention-it:5-recent-done", "retention-it:6-recent-pending");
    // the old pending event is still protected against its redelivery
    InboxEvent redelivery = new InboxEvent(null, Source.TASKROUTER, "task.completed", CH, null,
        List.of("retention-it:3-old-pending"), Map.of("EventType", "task.completed"), 0);
    assertThat(inbox.accept(redelivery)).isEmpty();
    assertThat(statuses()).hasSize(4);
  }
}
