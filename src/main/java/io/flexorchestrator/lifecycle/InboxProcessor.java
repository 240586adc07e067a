package io.flexorchestrator.lifecycle;

import io.flexorchestrator.webhook.Inbox;
import io.flexorchestrator.webhook.InboxEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies stored webhook events to the lifecycle: right after they are acknowledged, and from a
 * poller for what could not be applied yet (backoff until the time limit, then dead-lettered) and
 * what a crashed node left behind. Each event is applied in one transaction that locks its inbox
 * row and its conversation; an {@link OptimisticLockingException} retries the whole transaction.
 */
@Component
public class InboxProcessor implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);
  private static final int OPTIMISTIC_LOCK_ATTEMPTS = 6;

  private final Inbox inbox;
  private final LifecycleApplier applier;
  private final ConversationGuard guard;
  private final LifecycleProperties properties;
  private final TransactionTemplate tx;
  private final ExecutorService executor;
  private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
  private final MeterRegistry meters;

  public InboxProcessor(Inbox inbox, LifecycleApplier applier, ConversationGuard guard,
      LifecycleProperties properties, PlatformTransactionManager transactionManager,
      MeterRegistry meters) {
    this.inbox = inbox;
    this.applier = applier;
    this.guard = guard;
    this.properties = properties;
    this.tx = new TransactionTemplate(transactionManager);
    this.meters = meters;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(properties.applyThreads(), properties.applyThreads(),
        30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(20_000), r -> {
          Thread t = new Thread(r, "inbox-apply-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    Gauge.builder("orchestrator.inbox.pending", () -> inbox.count(Inbox.Status.PENDING))
        .description("Webhook events waiting to be applied").register(meters);
    Gauge.builder("orchestrator.inbox.dead", () -> inbox.count(Inbox.Status.DEAD))
        .description("Webhook events dead-lettered after the time limit").register(meters);
  }

  /** Applies the event soon, on this node; the poller is the safety net if that does not happen. */
  public void submit(long id) {
    if (!inFlight.add(id)) {
      return;
    }
    try {
      executor.execute(() -> {
        try {
          process(id);
        } finally {
          inFlight.remove(id);
        }
      });
    } catch (RejectedExecutionException full) {
      inFlight.remove(id);
    }
  }

  @Scheduled(fixedDelayString = "${orchestrator.inbox.poll-interval:500ms}",
      initialDelayString = "${orchestrator.inbox.poll-initial-delay:2s}")
  public void pollDue() {
    for (Long id : inbox.due(500)) {
      submit(id);
    }
  }

  @Scheduled(cron = "${orchestrator.inbox.purge-cron:0 17 3 * * *}")
  public void purge() {
    int removed = inbox.purgeOlderThan(Instant.now().minus(properties.inboxRetention()));
    log.info("Inbox retention: removed {} settled rows and dedupe keys", removed);
  }

  /**
   * Applies the event, then, in the same thread, the conversation's next event that has not been
   * tried yet and is not queued: one that found this event untried and stepped back
   * ({@code WAIT_TURN}) would otherwise wait for the poller behind everything queued since.
   */
  void process(long id) {
    Long next = id;
    while (next != null) {
      long current = next;
      try {
        next = apply(current);
      } finally {
        MDC.remove("conversationSid");
        if (current != id) {
          inFlight.remove(current);
        }
      }
    }
  }

  /** Applies one event; returns the conversation's next untried event to apply now, if any. */
  private Long apply(long id) {
    ApplyOutcome outcome = null;
    RuntimeException failure = null;
    InboxEvent[] event = new InboxEvent[1];
    for (int attempt = 1; attempt <= OPTIMISTIC_LOCK_ATTEMPTS; attempt++) {
      try {
        outcome = tx.execute(status -> {
          var pending = inbox.lockPending(id);
          if (pending.isEmpty()) {
            return null; // applied or settled meanwhile (another thread or node)
          }
          event[0] = pending.get();
          MDC.put("conversationSid", event[0].conversationSid());
          guard.lock(event[0].conversationSid());
          if (inbox.hasEarlierUntried(event[0].conversationSid(), id)) {
            return ApplyOutcome.WAIT_TURN; // nothing done yet: no rollback needed
          }
          ApplyOutcome result = applier.apply(event[0]);
          if (result.kind() == ApplyOutcome.Kind.NOT_YET) {
            status.setRollbackOnly();
          } else {
            inbox.finish(id, result.kind() == ApplyOutcome.Kind.APPLIED
                ? Inbox.Status.DONE : Inbox.Status.IGNORED, result.reason());
          }
          return result;
        });
        failure = null;
        break;
      } catch (OptimisticLockingException concurrent) {
        failure = concurrent;
        pause(attempt);
      } catch (RuntimeException e) {
        failure = e;
        break;
      }
    }
    if (event[0] == null && failure == null) {
      return null;
    }
    if (outcome == ApplyOutcome.WAIT_TURN) {
      inbox.deferBriefly(id, Duration.ofMillis(100));
      return null;
    }
    if (failure != null) {
      notApplied(id, event[0], failure.getClass().getSimpleName() + ": " + failure.getMessage());
      if (!(failure instanceof OptimisticLockingException)) {
        log.warn("Inbox event {} failed to apply; will retry", id, failure);
      }
    } else if (outcome.kind() == ApplyOutcome.Kind.NOT_YET) {
      notApplied(id, event[0], outcome.reason());
    }
    Long next = event[0] == null ? null
        : inbox.nextUntried(event[0].conversationSid(), id).orElse(null);
    if (next != null && !inFlight.add(next)) {
      next = null; // queued or being applied by another thread: it goes its own way
    }
    if (failure == null && outcome.kind() != ApplyOutcome.Kind.NOT_YET) {
      meters.counter("orchestrator.inbox.settled", "outcome", outcome.kind().name().toLowerCase(),
          "event", event[0].eventType()).increment();
      if (outcome.kind() == ApplyOutcome.Kind.APPLIED) {
        // what waited for this event may apply now (the next untried one is applied right here)
        inbox.pendingOf(event[0].conversationSid(), id).forEach(this::submit);
      }
    }
    return next;
  }

  private void notApplied(long id, InboxEvent event, String reason) {
    int attempts = (event == null ? 0 : event.attempts()) + 1;
    Instant received = inbox.receivedAt(id);
    if (Duration.between(received, Instant.now()).compareTo(properties.pendingTimeLimit()) > 0) {
      inbox.deadLetter(id, attempts, reason);
      meters.counter("orchestrator.inbox.dead-lettered").increment();
      log.error("Inbox event {} ({} of conversation {}) dead-lettered after {} attempts: {}", id,
          event == null ? "?" : event.eventType(), event == null ? "?" : event.conversationSid(),
          attempts, reason);
      return;
    }
    long delay = Math.min(10_000, 200L << Math.min(attempts - 1, 6));
    inbox.retryLater(id, attempts, Duration.ofMillis(delay), reason);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void destroy() throws InterruptedException {
    executor.shutdown();
    if (!executor.awaitTermination(20, TimeUnit.SECONDS)) {
      executor.shutdownNow();
    }
  }
}
