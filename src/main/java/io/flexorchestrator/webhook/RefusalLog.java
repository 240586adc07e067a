package io.flexorchestrator.webhook;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.springframework.stereotype.Component;

/**
 * Refused webhooks in the log without flooding it: the first refusal of each endpoint and status
 * is logged at WARN, the next ones within a minute only at DEBUG and counted into the next WARN
 * line ("and 57 more"). Every refusal is counted in the metrics anyway.
 */
@Component
public class RefusalLog {

  static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final int MAX_KEYS = 200;

  private static final class Window {
    final AtomicLong nextReport = new AtomicLong();
    final AtomicLong suppressed = new AtomicLong();
  }

  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public void refused(Logger log, String endpoint, int status, String reason) {
    log.debug("Webhook {} refused with {}: {}", endpoint, status, reason);
    String key = endpoint + " " + status;
    Window window = windows.get(key);
    if (window == null) {
      if (windows.size() >= MAX_KEYS) {
        return;
      }
      window = windows.computeIfAbsent(key, k -> new Window());
    }
    long now = System.nanoTime();
    long next = window.nextReport.get();
    if ((next == 0 || now - next >= 0) && window.nextReport.compareAndSet(next, now + INTERVAL.toNanos())) {
      long more = window.suppressed.getAndSet(0);
      log.warn("Webhook {} refused with {}: {}{}", endpoint, status, reason,
          more == 0 ? "" : " (and " + more + " more refused with " + status + " in the last minute)");
    } else {
      window.suppressed.incrementAndGet();
    }
  }
}
