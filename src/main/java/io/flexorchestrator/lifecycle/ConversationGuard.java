package io.flexorchestrator.lifecycle;

import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A row lock per conversation, held by the transaction that applies one of its events, so that
 * "is an instance running? if not, start one" and concurrent correlations are serialized across
 * threads and nodes. The row is created once, in its own transaction.
 */
@Component
public class ConversationGuard {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate newTransaction;

  public ConversationGuard(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
    this.jdbc = jdbc;
    this.newTransaction = new TransactionTemplate(transactionManager);
    this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** Locks the conversation until the surrounding transaction ends. */
  public void lock(String conversationSid) {
    if (!tryLock(conversationSid)) {
      create(conversationSid);
      if (!tryLock(conversationSid)) {
        throw new IllegalStateException("conversation guard row missing for " + conversationSid);
      }
    }
  }

  private boolean tryLock(String conversationSid) {
    return !jdbc.queryForList("SELECT conversation_sid FROM conversation_guard"
        + " WHERE conversation_sid = ? FOR UPDATE", String.class, conversationSid).isEmpty();
  }

  private void create(String conversationSid) {
    try {
      newTransaction.executeWithoutResult(status -> jdbc.update(
          "INSERT INTO conversation_guard (conversation_sid, created_at) VALUES (?, ?)",
          conversationSid, Timestamp.from(Instant.now())));
    } catch (DataIntegrityViolationException alreadyThere) {
      // another thread or node created it first: fine
    }
  }
}
