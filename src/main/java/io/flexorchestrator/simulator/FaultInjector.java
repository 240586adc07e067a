package io.flexorchestrator.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Injected REST faults ({@code PUT /sim/control/faults}) and the optional Interactions rate limit
 * ({@code PUT /sim/control/limits}). Both off by default.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class FaultInjector {

  /**
   * The fault settings; rate 0 = off. {@code applyThenFailShare}: the share of the 5xx faults
   * drawn for a write (non-GET) that change the state first and then fail ({@code applyThenFail:
   * true} is share 1); the others, and every 429, fail before anything is applied. {@code only}:
   * a regular expression the request ("METHOD /path") must match to be faulted (null = every
   * request). {@code count}: how many faults to inject at most (0 = no limit).
   */
  public record Faults(double rate, List<Integer> statuses, long latencyMs, double applyThenFailShare,
      String only, long count) {
    static Faults off() {
      return new Faults(0, List.of(500), 0, 0, null, 0);
    }

    boolean applyThenFail() {
      return applyThenFailShare >= 1;
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rate", rate);
      m.put("statuses", statuses);
      m.put("latencyMs", latencyMs);
      m.put("applyThenFail", applyThenFail());
      m.put("applyThenFailShare", applyThenFailShare);
      if (only != null) {
        m.put("only", only);
      }
      m.put("count", count);
      return m;
    }
  }

  /** A fault to inject: its status, and whether the request is applied before it is answered. */
  record Fault(int status, boolean afterApply) {}

  private volatile Faults faults = Faults.off();
  private volatile java.util.regex.Pattern only;
  private final AtomicLong injected = new AtomicLong();
  private final AtomicLong injectedAfterApply = new AtomicLong();
  private volatile int interactionsPerSecond;
  private final Deque<Long> interactionCalls = new ArrayDeque<>();
  /** Interactions creates answered 429 since the limit was last set. */
  private final AtomicLong interactionsRejected = new AtomicLong();

  Faults faults() {
    return faults;
  }

  void configure(Faults next) {
    only = next.only() == null ? null : java.util.regex.Pattern.compile(next.only());
    injected.set(0);
    injectedAfterApply.set(0);
    faults = next;
  }

  /** Faults injected since they were last configured. */
  long injected() {
    return injected.get();
  }

  /** Of those, the ones answered after the request had been applied. */
  long injectedAfterApply() {
    return injectedAfterApply.get();
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
    configure(Faults.off());
    interactionsPerSecond = 0;
    interactionsRejected.set(0);
    synchronized (interactionCalls) {
      interactionCalls.clear();
    }
  }

  /** The fault to inject into this request now, or null. */
  Fault draw(String method, String path) {
    Faults f = faults;
    java.util.regex.Pattern match = only;
    if (f.rate() <= 0 || f.statuses().isEmpty()
        || (match != null && !match.matcher(method + " " + path).find())) {
      return null;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (random.nextDouble() >= f.rate()) {
      return null;
    }
    long before = injected.getAndUpdate(n -> f.count() > 0 && n >= f.count() ? n : n + 1);
    if (f.count() > 0 && before >= f.count()) {
      return null;
    }
    int status = f.statuses().get(random.nextInt(f.statuses().size()));
    // a 429 is Twilio refusing before doing anything: never applied
    boolean afterApply = !"GET".equals(method) && status != 429 && f.applyThenFailShare() > 0
        && random.nextDouble() < f.applyThenFailShare();
    if (afterApply) {
      injectedAfterApply.incrementAndGet();
    }
    return new Fault(status, afterApply);
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
