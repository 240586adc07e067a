package io.flexorchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable inbox. {@link #accept} stores an event and its dedupe keys in one transaction and
 * commits before the webhook is acknowledged; a repeated delivery collides on a key and is
 * reported as a duplicate, with no second row, on any node and across restarts.
 */
@Component
public class Inbox {

  public enum Status { PENDING, DONE, IGNORED, DEAD }

  private static final TypeReference<Map<String, String>> PARAMS = new TypeReference<>() {};

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final ObjectMapper mapper;

  public Inbox(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, ObjectMapper mapper) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactionManager);
    this.mapper = mapper;
  }

  /** Stores the event; empty when it repeats an earlier delivery. */
  public Optional<Long> accept(InboxEvent event) {
    try {
      return Optional.ofNullable(tx.execute(status -> insert(event)));
    } catch (DuplicateKeyException duplicate) {
      return Optional.empty();
    }
  }

  private Long insert(InboxEvent event) {
    Timestamp now = Timestamp.from(Instant.now());
    String payload = toJson(event.params());
    GeneratedKeyHolder key = new GeneratedKeyHolder();
    jdbc.update(con -> {
      PreparedStatement ps = con.prepareStatement("INSERT INTO webhook_inbox (source, event_type,"
          + " conversation_sid, task_sid, payload, status, attempts, received_at, next_attempt_at)"
          + " VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?)", new String[] {"id"});
      ps.setString(1, event.source().name());
      ps.setString(2, event.eventType());
      ps.setString(3, event.conversationSid());
      ps.setString(4, event.taskSid());
      ps.setString(5, payload);
      ps.setTimestamp(6, now);
      ps.setTimestamp(7, now);
      return ps;
    }, key);
    long id = key.getKey().longValue();
    for (String dedupeKey : event.dedupeKeys()) {
      jdbc.update("INSERT INTO webhook_dedupe (dedupe_key, inbox_id, received_at) VALUES (?, ?, ?)",
          truncate(dedupeKey, 300), id, now);
    }
    return id;
  }

  /** Locks the row (caller's transaction) and returns it if it still waits to be applied. */
  public Optional<InboxEvent> lockPending(long id) {
    List<InboxEvent> rows = jdbc.query("SELECT id, source, event_type, conversation_sid, task_sid,"
        + " payload, attempts FROM webhook_inbox WHERE id = ? AND status = 'PENDING' FOR UPDATE",
        this::map, id);
    return rows.stream().findFirst();
  }

  public void finish(long id, Status status, String note) {
    jdbc.update("UPDATE webhook_inbox SET status = ?, applied_at = ?, last_error = ? WHERE id = ?",
        status.name(), Timestamp.from(Instant.now()), truncate(note, 1000), id);
  }

  /** Records a failed attempt: retried after {@code delay}, or dead-lettered. */
  public void retryLater(long id, int attempts, Duration delay, String error) {
    jdbc.update("UPDATE webhook_inbox SET attempts = ?, next_attempt_at = ?, last_error = ?"
        + " WHERE id = ? AND status = 'PENDING'", attempts, Timestamp.from(Instant.now().plus(delay)),
        truncate(error, 1000), id);
  }

  public void deadLetter(long id, int attempts, String error) {
    jdbc.update("UPDATE webhook_inbox SET status = 'DEAD', attempts = ?, last_error = ?,"
        + " applied_at = ? WHERE id = ? AND status = 'PENDING'", attempts, truncate(error, 1000),
        Timestamp.from(Instant.now()), id);
  }

  public Instant receivedAt(long id) {
    return jdbc.queryForObject("SELECT received_at FROM webhook_inbox WHERE id = ?",
        Timestamp.class, id).toInstant();
  }

  /**
   * Whether an earlier event of the conversation has not been tried yet: events are applied in
   * the order they arrived where they can be (a later one waits for its turn, briefly).
   */
  public boolean hasEarlierUntried(String conversationSid, long id) {
    Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND status = 'PENDING' AND attempts = 0 AND id < ?", Integer.class, conversationSid, id);
    return n != null && n > 0;
  }

  /** The conversation's oldest pending event after {@code afterId} that has not been tried yet. */
  public Optional<Long> nextUntried(String conversationSid, long afterId) {
    if (conversationSid == null) {
      return Optional.empty();
    }
    return jdbc.queryForList("SELECT id FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND status = 'PENDING' AND attempts = 0 AND id > ? ORDER BY id FETCH FIRST 1 ROWS ONLY",
        Long.class, conversationSid, afterId).stream().findFirst();
  }

  /** Puts the event back for a moment without counting an attempt. */
  public void deferBriefly(long id, Duration delay) {
    jdbc.update("UPDATE webhook_inbox SET next_attempt_at = ? WHERE id = ? AND status = 'PENDING'",
        Timestamp.from(Instant.now().plus(delay)), id);
  }

  /** Pending events that are due, oldest first. */
  public List<Long> due(int limit) {
    return jdbc.queryForList("SELECT id FROM webhook_inbox WHERE status = 'PENDING'"
        + " AND next_attempt_at <= ? ORDER BY id FETCH FIRST " + limit + " ROWS ONLY", Long.class,
        Timestamp.from(Instant.now()));
  }

  /** Makes the conversation's other pending events due now: the instance may now be ready. */
  public List<Long> pendingOf(String conversationSid, long exceptId) {
    return jdbc.queryForList("SELECT id FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND status = 'PENDING' AND id <> ? ORDER BY id", Long.class, conversationSid, exceptId);
  }

  public long count(Status status) {
    Long n = jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE status = ?", Long.class,
        status.name());
    return n == null ? 0 : n;
  }

  public List<Map<String, Object>> list(Status status, String conversationSid, int limit) {
    String sql = "SELECT id, source, event_type, conversation_sid, task_sid, status, attempts,"
        + " received_at, next_attempt_at, applied_at, last_error FROM webhook_inbox WHERE status = ?"
        + (conversationSid == null ? "" : " AND conversation_sid = ?")
        + " ORDER BY id FETCH FIRST " + limit + " ROWS ONLY";
    return conversationSid == null ? jdbc.queryForList(sql, status.name())
        : jdbc.queryForList(sql, status.name(), conversationSid);
  }

  /**
   * Deletes what is settled and older than the retention, and the old dedupe keys. A pending or
   * dead-lettered event is never deleted, and neither are its keys: a redelivery of it is still a
   * duplicate however long it waits.
   */
  public int purgeOlderThan(Instant cutoff) {
    Timestamp at = Timestamp.from(cutoff);
    int rows = jdbc.update("DELETE FROM webhook_inbox WHERE received_at < ? AND status IN"
        + " ('DONE', 'IGNORED')", at);
    int keys = jdbc.update("DELETE FROM webhook_dedupe WHERE received_at < ? AND (inbox_id IS NULL"
        + " OR inbox_id NOT IN (SELECT id FROM webhook_inbox WHERE status IN ('PENDING', 'DEAD')))", at);
    return keys + rows;
  }

  private InboxEvent map(ResultSet rs, int row) throws SQLException {
    return new InboxEvent(rs.getLong("id"), InboxEvent.Source.valueOf(rs.getString("source")),
        rs.getString("event_type"), rs.getString("conversation_sid"), rs.getString("task_sid"),
        List.of(), fromJson(rs.getString("payload")), rs.getInt("attempts"));
  }

  private String toJson(Map<String, String> params) {
    try {
      return mapper.writeValueAsString(params);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize webhook parameters", e);
    }
  }

  private Map<String, String> fromJson(String json) {
    try {
      return mapper.readValue(json, PARAMS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored webhook payload is not JSON", e);
    }
  }

  private static String truncate(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
