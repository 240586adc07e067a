package io.flexorchestrator.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.camunda.bpm.engine.RuntimeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the engine when scraped (each value cached for {@link #MAX_AGE}, so frequent
 * scrapes cost at most one count query each per interval):
 * {@code orchestrator.incidents.open} by {@code process} (open incidents, e.g. a Twilio task whose
 * retries are exhausted) and {@code orchestrator.interactions.active} (running lifecycle instances).
 */
@Component
public class IncidentMetrics {

  private static final Logger log = LoggerFactory.getLogger(IncidentMetrics.class);
  static final Duration MAX_AGE = Duration.ofSeconds(10);
  public static final String INCIDENTS = "orchestrator.incidents.open";
  public static final String ACTIVE = "orchestrator.interactions.active";
  static final String[] PROCESSES = {"interaction-lifecycle", "system-checkup"};

  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public IncidentMetrics(RuntimeService runtime, MeterRegistry meters) {
    for (String process : PROCESSES) {
      Gauge.builder(INCIDENTS, () -> value("incidents:" + process,
              () -> runtime.createIncidentQuery().processDefinitionKeyIn(process).count()))
          .description("Open incidents (jobs out of retries, ...) of the process, as Cockpit shows them")
          .tag("process", process)
          .register(meters);
    }
    Gauge.builder(ACTIVE, () -> value("active", () -> runtime.createProcessInstanceQuery()
            .processDefinitionKey(InteractionMetrics.PROCESS_KEY).count()))
        .description("Running interaction lifecycle instances")
        .register(meters);
  }

  private double value(String key, LongSupplier query) {
    Cached cached = cache.get(key);
    long now = System.nanoTime();
    if (cached != null && now - cached.at() < MAX_AGE.toNanos()) {
      return cached.value();
    }
    try {
      double value = query.getAsLong();
      cache.put(key, new Cached(value, now));
      return value;
    } catch (RuntimeException e) {
      log.debug("Cannot read {} from the engine", key, e);
      return cached == null ? Double.NaN : cached.value();
    }
  }

  private record Cached(double value, long at) {}
}
