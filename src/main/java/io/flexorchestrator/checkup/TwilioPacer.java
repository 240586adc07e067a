package io.flexorchestrator.checkup;

import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Token buckets that pace the checkup's Twilio calls below Twilio's rate limits: one for reads and
 * small updates, one for routing (each routed orphan makes one Interactions create, limited by
 * Twilio to 20 per second per account). Shared by all sweeps of this node. A bucket holds at most
 * one second's worth of slots, so an idle pacer allows a burst of {@code rate} calls, then one call
 * every {@code 1/rate} seconds.
 */
@Component
public class TwilioPacer {

  /** Waits the given number of nanoseconds (a seam for tests). */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final CheckupProperties properties;
  private final Bucket reads;
  private final Bucket routes;

  @Autowired
  public TwilioPacer(CheckupProperties properties) {
    this(properties, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  TwilioPacer(CheckupProperties properties, LongSupplier nanoClock, Sleeper sleeper) {
    this.properties = properties;
    this.reads = new Bucket(nanoClock, sleeper);
    this.routes = new Bucket(nanoClock, sleeper);
  }

  /** Waits for a read/update slot. */
  public void read() {
    reads.take(properties.getReadsPerSecond());
  }

  /** Waits for a routing slot (one Interactions create). */
  public void route() {
    routes.take(properties.getRoutesPerSecond());
  }

  static final class Bucket {
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private double tokens = 1;
    private long last;

    Bucket(LongSupplier clock, Sleeper sleeper) {
      this.clock = clock;
      this.sleeper = sleeper;
      this.last = clock.getAsLong();
    }

    /** Holds the lock while sleeping on purpose: callers queue up and leave one per slot. */
    synchronized void take(double perSecond) {
      if (perSecond <= 0) {
        return;
      }
      double capacity = Math.max(1, perSecond);
      while (true) {
        long now = clock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        long waitNanos = (long) Math.ceil((1 - tokens) / perSecond * 1e9);
        try {
          sleeper.sleep(Math.max(1_000_000, waitNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
