package io.flexorchestrator.policy;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Every pre-event rejection, recorded without the content: a log line and the last N in memory
 * for {@code GET /api/policy/rejections}.
 */
@Component
public class RecentRejections {

  private static final Logger log = LoggerFactory.getLogger(RecentRejections.class);

  /** One rejection: which conversation, which rule, what the sender was told. */
  public record Rejection(Instant at, String conversationSid, String eventType, String channel,
      String rule, int status, String reason) {}

  private final int capacity;
  private final ArrayDeque<Rejection> recent = new ArrayDeque<>();

  public RecentRejections(PolicyProperties properties) {
    this.capacity = Math.max(0, properties.getRecentRejections());
  }

  public void record(Rejection r) {
    log.info("pre-event {} rejected: conversation={} channel={} rule={} status={} reason=\"{}\"",
        r.eventType(), r.conversationSid(), r.channel(), r.rule(), r.status(), r.reason());
    if (capacity == 0) {
      return;
    }
    synchronized (recent) {
      if (recent.size() >= capacity) {
        recent.removeFirst();
      }
      recent.addLast(r);
    }
  }

  /** Newest first. */
  public List<Rejection> list() {
    synchronized (recent) {
      List<Rejection> out = new ArrayList<>(recent);
      Collections.reverse(out);
      return out;
    }
  }
}
