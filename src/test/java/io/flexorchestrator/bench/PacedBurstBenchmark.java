package io.flexorchestrator.bench;

import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issue 9's pacing target: a burst of N new conversations sent within a few seconds (open loop),
 * pacing on (20/s × headroom), the simulator's 20 creates/s limit on. Reports when the first 20
 * and all interactions were created (from the burst's first message), the 429s the simulator
 * answered, incidents, and the peak heap. Run with {@code mvn -B verify -Pbench
 * -Dit.test=PacedBurstBenchmark} ({@code -Dbench.paced-burst=1000 -Dbench.paced-burst-seconds=5}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class PacedBurstBenchmark {

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService managementService;
  @Autowired JdbcTemplate jdbc;

  @Test
  void pacedBurst() throws Exception {
    int n = Integer.getInteger("bench.paced-burst", 1000);
    int seconds = Integer.getInteger("bench.paced-burst-seconds", 5);
    HttpJson sim = new HttpJson(port);
    Sandbox sandbox = new Sandbox(sim, history);
    sandbox.agents("manual");
    sim.put("/sim/control/limits", Map.of("interactionsPerSecond", 20));
    long rejectedBefore = sim.get("/sim/control/limits").json().get("rejected").asLong();
    AtomicLong peakHeap = new AtomicLong();
    ScheduledExecutorService heap = Executors.newSingleThreadScheduledExecutor();
    heap.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(
        ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max), 0, 100,
        TimeUnit.MILLISECONDS);
    // warm-up: a node that takes a burst has run lifecycles before (JIT, plans, caches); without it
    // the first seconds measure a cold JVM compiling under full load
    String[] warmUp = new String[30];
    for (int i = 0; i < warmUp.length; i++) {
      warmUp[i] = sandbox.inbound(Sandbox.newCustomer());
    }
    long warmDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (createdAt(warmUp).size() < warmUp.length && System.nanoTime() < warmDeadline) {
      Thread.sleep(500);
    }
    Thread.sleep(3000); // the rate bucket refills, the warm-up's trailing webhooks settle
    double loadBefore = LoadGenerator.loadAverage();

    // open loop: message i is sent at i × (seconds / n), whatever the answers before it did
    Map<String, Instant> sent = new ConcurrentHashMap<>();
    ScheduledExecutorService schedule = Executors.newScheduledThreadPool(16);
    Instant start = Instant.now();
    List<Future<?>> futures = new ArrayList<>();
    long intervalNanos = Duration.ofSeconds(seconds).toNanos() / n;
    for (int i = 0; i < n; i++) {
      futures.add(schedule.schedule(() -> sent.put(sandbox.inbound(Sandbox.newCustomer()), Instant.now()),
          i * intervalNanos, TimeUnit.NANOSECONDS));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    Instant allSent = Instant.now();
    schedule.shutdown();

    Map<String, Instant> created = Map.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(n / 10 + 120).toNanos();
    while (created.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      created = createdAt(sent.keySet().toArray(String[]::new));
    }
    heap.shutdown();
    long rejected = sim.get("/sim/control/limits").json().get("rejected").asLong() - rejectedBefore;
    long incidents = runtime.createIncidentQuery().count();
    sim.put("/sim/control/limits", Map.of("interactionsPerSecond", 0));

    List<Instant> times = new ArrayList<>(created.values());
    times.sort(null);
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "Paced burst: %d CPUs, Java %s, max heap %d MiB, %s, pacing on%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, BenchReport.database(dataSource)));
    report.append("| conversations | sent in s | interactions | first after s | 20th after s | 100th after s | last after s | creates/s after the first | 429s | incidents | peak heap MiB | load avg before → after |\n");
    report.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    report.append(String.format(Locale.ROOT, "| %d | %.1f | %d | %s | %s | %s | %s | %.1f | %d | %d | %d | %.1f → %.1f |%n",
        n, Duration.between(start, allSent).toMillis() / 1000.0, times.size(), after(start, times, 1),
        after(start, times, 20), after(start, times, 100), after(start, times, times.size()),
        times.size() < 2 ? 0 : (times.size() - 1) * 1000.0
            / Math.max(1, Duration.between(times.get(0), times.get(times.size() - 1)).toMillis()),
        rejected, incidents, peakHeap.get() >> 20, loadBefore, LoadGenerator.loadAverage()));
    List<Map.Entry<String, Instant>> bySent = new ArrayList<>(sent.entrySet());
    bySent.sort(Map.Entry.comparingByValue());
    report.append("\nWhere the time went (seconds after the burst's start) for the 1st and the 20th customer to"
        + " write:\n\n");
    for (int nth : new int[] {1, 20}) {
      if (bySent.size() >= nth) {
        report.append("- ").append(nth).append(": ")
            .append(timeline(start, bySent.get(nth - 1).getKey(), bySent.get(nth - 1).getValue()))
            .append('\n');
      }
    }
    BenchReport.publish("paced-burst", report);
    if (times.size() < n) {
      Map<String, Instant> done = created;
      List<String> missing = sent.keySet().stream().filter(ch -> !done.containsKey(ch)).toList();
      throw new AssertionError("only " + times.size() + " of " + n + " interactions created; without: "
          + missing.stream().limit(10).map(this::whereItIs).toList());
    }
  }

  /** Inbound answered, lifecycle started, and each step's start–end, from the history. */
  private String timeline(Instant start, String conversation, Instant answered) {
    StringBuilder line = new StringBuilder("inbound answered " + at(start, answered));
    HistoricProcessInstance instance = history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKey(conversation).processDefinitionKey("interaction-lifecycle")
        .singleResult();
    if (instance == null) {
      return line.append(", no lifecycle").toString();
    }
    line.append(", lifecycle started ").append(at(start, instance.getStartTime().toInstant()))
        .append(" (after ").append(history.createHistoricProcessInstanceQuery()
            .processDefinitionKey("interaction-lifecycle").startedAfter(Date.from(start))
            .startedBefore(instance.getStartTime()).count())
        .append(" others)");
    for (HistoricActivityInstance step : history.createHistoricActivityInstanceQuery()
        .processInstanceId(instance.getId()).orderByHistoricActivityInstanceStartTime().asc().list()) {
      if (step.getActivityType().endsWith("Task") || step.getActivityType().startsWith("intermediate")) {
        line.append(", ").append(step.getActivityName()).append(' ')
            .append(at(start, step.getStartTime().toInstant())).append('–')
            .append(step.getEndTime() == null ? "…" : at(start, step.getEndTime().toInstant()));
      }
    }
    return line.toString();
  }

  private static String at(Instant start, Instant when) {
    return String.format(Locale.ROOT, "+%.2f", Duration.between(start, when).toMillis() / 1000.0);
  }

  /** Where a conversation's lifecycle stands: its activities, jobs and inbox rows. */
  private String whereItIs(String conversation) {
    var instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(conversation)
        .processDefinitionKey("interaction-lifecycle").singleResult();
    String inbox = jdbc.queryForList("SELECT event_type, status, attempts FROM webhook_inbox"
        + " WHERE conversation_sid = ?", conversation).toString();
    if (instance == null) {
      return conversation + ": no running lifecycle (ended: " + history.createHistoricProcessInstanceQuery()
          .processInstanceBusinessKey(conversation).count() + "), inbox " + inbox;
    }
    return conversation + ": at " + runtime.getActiveActivityIds(instance.getId()) + ", jobs "
        + managementService.createJobQuery().processInstanceId(instance.getId()).list().stream()
            .map(j -> j.getId() + " retries " + j.getRetries() + " due " + j.getDuedate() + " "
                + j.getExceptionMessage()).toList()
        + ", inbox " + inbox;
  }

  private static String after(Instant start, List<Instant> times, int nth) {
    return times.size() < nth ? "-"
        : String.format(Locale.ROOT, "%.2f", Duration.between(start, times.get(nth - 1)).toMillis() / 1000.0);
  }

  /** When each conversation's interaction was created (the lifecycle's interactionCreatedAt). */
  private Map<String, Instant> createdAt(String[] conversations) {
    Map<String, String> keyByInstance = new HashMap<>();
    for (HistoricProcessInstance p : history.createHistoricProcessInstanceQuery()
        .processDefinitionKey("interaction-lifecycle").processInstanceBusinessKeyIn(conversations).list()) {
      keyByInstance.put(p.getId(), p.getBusinessKey());
    }
    Map<String, Instant> created = new HashMap<>();
    if (keyByInstance.isEmpty()) {
      return created;
    }
    for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
        .variableName("interactionCreatedAt")
        .processInstanceIdIn(keyByInstance.keySet().toArray(String[]::new)).list()) {
      if (v.getValue() instanceof Date at) {
        created.put(keyByInstance.get(v.getProcessInstanceId()), at.toInstant());
      }
    }
    return created;
  }
}
