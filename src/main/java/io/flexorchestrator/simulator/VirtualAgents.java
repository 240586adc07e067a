package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Task;
import jakarta.annotation.PreDestroy;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The sandbox's agents. In {@code auto} mode every new task is reserved, accepted (the agent joins
 * the conversation), wrapped up and completed after the configured delays; the interaction channel
 * is left to the app. In {@code manual} mode nothing happens until control calls.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class VirtualAgents {

  private static final Logger log = LoggerFactory.getLogger(VirtualAgents.class);

  /** The agents' settings. */
  public record Settings(String mode, long acceptAfterMs, long wrapupAfterMs, long completeAfterMs) {
    static Settings defaults() {
      return new Settings("auto", 500, 1500, 500);
    }

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mode", mode);
      m.put("acceptAfterMs", acceptAfterMs);
      m.put("wrapupAfterMs", wrapupAfterMs);
      m.put("completeAfterMs", completeAfterMs);
      return m;
    }
  }

  private final SimState state;
  private final TaskEngine tasks;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "sim-agents");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong generation = new AtomicLong();
  private volatile Settings settings = Settings.defaults();

  public VirtualAgents(SimState state, TaskEngine tasks) {
    this.state = state;
    this.tasks = tasks;
    tasks.onCreated(this::taskCreated);
  }

  public Settings settings() {
    return settings;
  }

  public void configure(Settings next) {
    settings = next;
  }

  /** Cancels every pending agent action and restores the defaults. */
  public void reset() {
    generation.incrementAndGet();
    settings = Settings.defaults();
  }

  private void taskCreated(Task t) {
    Settings s = settings;
    if (!"auto".equals(s.mode())) {
      return;
    }
    String sid = t.sid;
    long reserveAt = Math.min(100, s.acceptAfterMs());
    // each step is scheduled by the step before it, once that one has run: two steps due at the
    // same moment (acceptAfterMs <= 100) ran on the scheduler's two threads in either order, and an
    // accept that came first found the task still pending, skipped, and left it reserved for ever
    later(reserveAt, () -> {
      Task task = state.tasks.get(sid);
      if (task != null && "pending".equals(task.status)) {
        tasks.reserve(task, tasks.pickWorker(task));
      }
      if (task != null && "reserved".equals(task.status)) {
        later(s.acceptAfterMs() - reserveAt, () -> accept(sid));
      }
    });
  }

  private void accept(String sid) {
    Task task = state.tasks.get(sid);
    if (task == null || !"reserved".equals(task.status)) {
      log.debug("virtual agent: task {} is no longer reserved, not accepted", sid);
      return;
    }
    tasks.accept(task, null);
    later(settings.wrapupAfterMs(), () -> {
      Task w = state.tasks.get(sid);
      if (w != null && "assigned".equals(w.status)) {
        tasks.wrapup(w, "Agent wrapped up");
      }
      later(settings.completeAfterMs(), () -> {
        Task c = state.tasks.get(sid);
        if (c != null && ("wrapping".equals(c.status) || "assigned".equals(c.status))) {
          tasks.complete(c, "Agent completed the task");
        }
      });
    });
  }

  private void later(long delayMs, Runnable action) {
    long gen = generation.get();
    scheduler.schedule(() -> {
      if (gen != generation.get()) {
        return;
      }
      try {
        state.locked(() -> {
          if (gen == generation.get()) {
            action.run();
          }
        });
      } catch (SimError e) {
        log.debug("virtual agent action skipped: {}", e.getMessage());
      } catch (RuntimeException e) {
        log.warn("virtual agent action failed: {}", e.toString());
      }
    }, Math.max(0, delayMs), TimeUnit.MILLISECONDS);
  }

  @PreDestroy
  void stop() {
    scheduler.shutdownNow();
  }
}
