package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.flexorchestrator.webhook.Inbox;
import io.flexorchestrator.webhook.InboxEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.SimpleTransactionStatus;

/**
 * An {@link OptimisticLockingException} while an event is applied (a concurrent callback changed
 * the same instance) rolls the transaction back and applies the event again in a new one: the
 * retry is outside the failed transaction, and the event is settled once.
 */
class InboxProcessorRetryTest {

  private static final long ID = 42;
  private static final InboxEvent EVENT = new InboxEvent(ID, InboxEvent.Source.TASKROUTER,
      "reservation.accepted", "CH0000000000000000000000000000f001", "WT0000000000000000000000000000f001",
      List.of(), Map.of("EventType", "reservation.accepted"), 0);

  private final List<String> steps = new ArrayList<>();
  private final RecordingTransactions transactions = new RecordingTransactions();
  private final Inbox inbox = mock(Inbox.class);
  private final LifecycleApplier applier = mock(LifecycleApplier.class);
  private InboxProcessor processor;

  @BeforeEach
  void setUp() {
    when(inbox.lockPending(ID)).thenReturn(Optional.of(EVENT));
    when(inbox.receivedAt(ID)).thenReturn(Instant.now());
    processor = new InboxProcessor(inbox, applier, mock(ConversationGuard.class),
        new LifecycleProperties("R1/PT1S", Duration.ofMinutes(10), Duration.ofDays(7), 1),
        transactions, new SimpleMeterRegistry());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    processor.destroy();
  }

  @Test
  void aConcurrentUpdateIsRetriedInANewTransactionAndTheEventSettledOnce() {
    when(applier.apply(EVENT)).thenAnswer(call -> {
      steps.add("apply in transaction " + transactions.begun + " (open: " + transactions.open + ")");
      if (transactions.begun == 1) {
        throw new OptimisticLockingException("the instance was changed by a concurrent callback");
      }
      return ApplyOutcome.applied("reservation accepted");
    });

    processor.process(ID);

    assertThat(steps).containsExactly(
        "begin", "apply in transaction 1 (open: 1)", "rollback",
        "begin", "apply in transaction 2 (open: 1)", "commit");
    verify(applier, times(2)).apply(EVENT);
    verify(inbox, times(1)).finish(eq(ID), eq(Inbox.Status.DONE), anyString());
    verify(inbox, never()).retryLater(anyLong(), anyInt(), any(), anyString());
  }

  @Test
  void anEventThatKeepsCollidingStaysPendingForALaterAttempt() {
    when(applier.apply(EVENT)).thenThrow(new OptimisticLockingException("always concurrent"));

    processor.process(ID);

    assertThat(transactions.begun).as("attempts, each in its own transaction").isEqualTo(6);
    assertThat(steps).filteredOn("commit"::equals).isEmpty();
    verify(inbox, never()).finish(anyLong(), any(), any());
    verify(inbox).retryLater(eq(ID), eq(1), any(), anyString());
    verify(inbox, never()).deadLetter(anyLong(), anyInt(), anyString());
  }

  /** Records begin/commit/rollback; no nesting is expected, so "open" must stay at 1. */
  private final class RecordingTransactions implements PlatformTransactionManager {
    int begun;
    int open;

    @Override
    public TransactionStatus getTransaction(TransactionDefinition definition) {
      begun++;
      open++;
      steps.add("begin");
      return new SimpleTransactionStatus(true);
    }

    @Override
    public void commit(TransactionStatus status) {
      open--;
      steps.add(status.isRollbackOnly() ? "rollback" : "commit");
    }

    @Override
    public void rollback(TransactionStatus status) {
      open--;
      steps.add("rollback");
    }
  }
}
