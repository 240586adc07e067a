package io.flexorchestrator.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Injected REST faults ({@code PUT /sim/control/faults}) and the optional Interactions rate limit
 * ({@code PUT /sim/control/limits}). Both off by default.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class FaultInjector {

  /** The fault settings; rate 0 = off. */
  public record Faults(double rate, List<Integer> statuses, long latencyMs, boolean applyThenFail) {
    static Faults off() {
      return new Faults(0, List.of(500), 0, false);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rate", rate);
      m.put("statuses", statuses);
      m.put("latencyMs", latencyMs);
      m.put("applyThenFail", applyThenFail);
      return m;
    }
  }

  private volatile Faults faults = Faults.off();
  private volatile int interactionsPerSecond;
  private final Deque<Long> interactionCalls = new ArrayDeque<>();
  /** Interactions creates answered 429 since the limit was last set. */
  private final java.util.concurrent.atomic.AtomicLong interactionsRejected = new java.util.concurrent.atomic.AtomicLong();

  Faults faults() {
    return faults;
  }

  void configure(Faults next) {
    faults = next;
  }

  int interactionsPerSecond() {
    return interactionsPerSecond;
  }

  void limitInteractions(int perSecond) {
    interactionsPerSecond = Math.max(0, perSecond);
    interactionsRejected.set(0);
  }

  long interactionsRejected() {
    return interactionsRejected.get();
  }

  void reset() {
    faults = Faults.off();
    interactionsPerSecond = 0;
    interactionsRejected.set(0);
    synchronized (interactionCalls) {
      interactionCalls.clear();
    }
  }

  /** The status of the fault to inject now, or 0. */
  int draw() {
    Faults f = faults;
    if (f.rate() <= 0 || f.statuses().isEmpty()) {
      return 0;
    }
    if (ThreadLocalRandom.current().nextDouble() >= f.rate()) {
      return 0;
    }
    return f.statuses().get(ThreadLocalRandom.current().nextInt(f.statuses().size()));
  }

  void delay() {
    long ms = faults.latencyMs();
    if (ms > 0) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** True when one more Interactions create would exceed the limit (sliding second). */
  boolean interactionLimited() {
    int limit = interactionsPerSecond;
    if (limit <= 0) {
      return false;
    }
    long now = System.nanoTime();
    synchronized (interactionCalls) {
      while (!interactionCalls.isEmpty() && now - interactionCalls.peekFirst() > 1_000_000_000L) {
        interactionCalls.removeFirst();
      }
      if (interactionCalls.size() >= limit) {
        interactionsRejected.incrementAndGet();
        return true;
      }
      interactionCalls.addLast(now);
      return false;
    }
  }

  static SimError error(int status) {
    return switch (status) {
      case 429 -> new SimError(429, 20429, "Too Many Requests");
      case 503 -> new SimError(503, 20503, "Service Unavailable");
      case 502 -> new SimError(502, 20502, "Bad Gateway");
      case 504 -> new SimError(504, 20504, "Gateway Timeout");
      default -> new SimError(status, 20500, "Internal Server Error");
    };
  }
}
