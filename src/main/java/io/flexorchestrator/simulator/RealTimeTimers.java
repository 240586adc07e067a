package io.flexorchestrator.simulator;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Optional: conversation timers firing by the wall clock (checked every second). Off by default,
 * so tests stay deterministic and fire timers through {@code /sim/control/conversations/{sid}/timer}.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class RealTimeTimers {

  private static final Logger log = LoggerFactory.getLogger(RealTimeTimers.class);

  private final SimState state;
  private final ConversationsEngine engine;
  private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sim-timers");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean enabled;

  public RealTimeTimers(SimState state, ConversationsEngine engine) {
    this.state = state;
    this.engine = engine;
    clock.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
  }

  boolean enabled() {
    return enabled;
  }

  void enable(boolean on) {
    enabled = on;
  }

  private void tick() {
    if (!enabled) {
      return;
    }
    try {
      state.locked(() -> engine.fireDueTimers(Instant.now()));
    } catch (RuntimeException e) {
      log.warn("sim timers: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    clock.shutdownNow();
  }
}
