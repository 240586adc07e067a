package io.flexorchestrator.simulator;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** Every REST call the emulation received, newest last (bounded). */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class RequestLog {

  private static final int LIMIT = 10_000;

  private final Deque<Map<String, Object>> entries = new ArrayDeque<>();

  void record(String method, String path, Object params) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("method", method);
    entry.put("path", path);
    entry.put("params", params);
    entry.put("at", Instant.now().toString());
    synchronized (entries) {
      entries.addLast(entry);
      while (entries.size() > LIMIT) {
        entries.removeFirst();
      }
    }
  }

  List<Map<String, Object>> list(String pathContains) {
    synchronized (entries) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> e : entries) {
        if (pathContains == null || String.valueOf(e.get("path")).contains(pathContains)) {
          out.add(e);
        }
      }
      return out;
    }
  }

  void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }
}
