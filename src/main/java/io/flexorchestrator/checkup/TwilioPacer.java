package io.flexorchestrator.checkup;

import org.springframework.stereotype.Component;

/**
 * Token buckets that pace the checkup's Twilio calls below Twilio's rate limits: one for reads and
 * small updates, one for routing (each routed orphan makes one Interactions create, limited by
 * Twilio to 20 per second per account). Shared by all sweeps of this node.
 */
@Component
public class TwilioPacer {

  private final CheckupProperties properties;
  private final Bucket reads = new Bucket();
  private final Bucket routes = new Bucket();

  public TwilioPacer(CheckupProperties properties) {
    this.properties = properties;
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
    private double tokens = 1;
    private long last = System.nanoTime();

    synchronized void take(double perSecond) {
      if (perSecond <= 0) {
        return;
      }
      double capacity = Math.max(1, perSecond);
      while (true) {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        long waitMs = (long) Math.ceil((1 - tokens) / perSecond * 1000);
        try {
          wait(Math.max(1, waitMs));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
