package io.flexorchestrator.twilio;

import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Paces the Interactions creates of the whole cluster below Twilio's limit (20 requests/s per
 * account): a token bucket in the database ({@code rate_bucket}), taken with
 * {@code SELECT ... FOR UPDATE} in a short transaction of its own.
 *
 * <p>A caller <em>reserves</em> the next free slot and gets the moment it is due (the bucket may go
 * below zero: those are slots promised to callers already waiting). A slot close at hand is waited
 * for in the job ({@link #maxWaitMs()}); a later one is waited for in the model (the lifecycle's
 * "Wait for rate slot" timer), so a burst never holds job-executor threads asleep and never spends
 * a retry.
 *
 * <p>The bucket refills at {@code interactions-per-second × pacing-headroom} (default 20 × 0.75 =
 * 15/s) and holds at most one token: Twilio (and the simulator) count requests in a sliding second,
 * and the headroom absorbs the scheduling jitter between a slot and the moment the request arrives
 * (up to ~250 ms at 15/s before a sliding second could see 21 requests).
 */
@Component
public class RatePacer {

  public static final String INTERACTIONS = "twilio-interactions-create";

  private final JdbcTemplate jdbc;
  private final TransactionTemplate tx;
  private final double rate;
  private final long maxWaitMs;

  public RatePacer(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
      @Value("${orchestrator.twilio.interactions-per-second:20}") double perSecond,
      @Value("${orchestrator.twilio.pacing-headroom:0.75}") double headroom,
      @Value("${orchestrator.twilio.pacing-max-wait:1s}") Duration maxWait) {
    this.jdbc = jdbc;
    this.tx = new TransactionTemplate(transactionManager);
    this.tx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.rate = perSecond <= 0 ? 0 : perSecond * Math.min(1, Math.max(0.1, headroom));
    this.maxWaitMs = maxWait.toMillis();
  }

  public boolean enabled() {
    return rate > 0;
  }

  /** How long a job may sleep for its slot; a later slot is waited for in the model. */
  public long maxWaitMs() {
    return maxWaitMs;
  }

  /** Reserves the next slot for one Interactions create: when it is due (epoch millis). */
  public long reserveInteractionCreate() {
    return enabled() ? reserve(INTERACTIONS) : System.currentTimeMillis();
  }

  /** Sleeps until {@code slotAt} (epoch millis); false if interrupted (shutdown). */
  public static boolean sleepUntil(long slotAt) {
    long wait = slotAt - System.currentTimeMillis();
    if (wait <= 0) {
      return true;
    }
    try {
      Thread.sleep(wait);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  long reserve(String bucket) {
    for (int attempt = 0; ; attempt++) {
      try {
        return tx.execute(status -> reserveLocked(bucket));
      } catch (DuplicateKeyException raced) {
        // another node created the row first: take it from there
        if (attempt >= 2) {
          throw raced;
        }
      }
    }
  }

  private long reserveLocked(String bucket) {
    long now = System.currentTimeMillis();
    List<double[]> rows = jdbc.query(
        "SELECT tokens, refilled_at FROM rate_bucket WHERE name = ? FOR UPDATE",
        (rs, i) -> new double[] {rs.getDouble(1), rs.getLong(2)}, bucket);
    if (rows.isEmpty()) {
      jdbc.update("INSERT INTO rate_bucket (name, tokens, refilled_at) VALUES (?, ?, ?)", bucket, 0.0, now);
      return now;
    }
    double tokens = rows.get(0)[0];
    long refilledAt = (long) rows.get(0)[1];
    // another node's clock may be slightly ahead: never refill backwards
    long at = Math.max(now, refilledAt);
    double available = Math.min(1, tokens + (at - refilledAt) / 1000.0 * rate);
    double after = available - 1;
    long waitMs = after >= 0 ? 0 : (long) Math.ceil(-after / rate * 1000) + (at - now);
    jdbc.update("UPDATE rate_bucket SET tokens = ?, refilled_at = ? WHERE name = ?", after, at, bucket);
    return now + waitMs;
  }
}
