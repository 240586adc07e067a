package io.flexorchestrator.bench;

import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issue 9's memory target: full lifecycles at a steady rate (virtual agents accept, wrap up and
 * complete after short delays) for {@code bench.soak-minutes}, with the heap capped by the bench
 * profile ({@code -Xmx1g}). Every 30 s: the old generation after its last collection (what is
 * really kept), running instances and pending inbox rows. Ends with a class histogram of the live
 * heap so a growth can be attributed (the simulator keeps every conversation it ever made, as
 * Twilio does; that is test infrastructure, not the orchestrator). Run with
 * {@code mvn -B verify -Pbench -Dit.test=SoakBenchmark} ({@code -Dbench.soak-minutes=10
 * -Dbench.soak-rate=10}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "orchestrator.twilio.interactions-per-second=0"})
@ActiveProfiles("it")
class SoakBenchmark {

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired JdbcTemplate jdbc;

  @Test
  void steadyLifecyclesKeepTheHeapFlat() throws Exception {
    int minutes = Integer.getInteger("bench.soak-minutes", 3);
    int rate = Integer.getInteger("bench.soak-rate", 10);
    HttpJson sim = new HttpJson(port);
    Sandbox sandbox = new Sandbox(sim, history);
    sim.put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 200, "wrapupAfterMs", 200,
        "completeAfterMs", 200));
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "Soak: %d min at %d lifecycles/s, %d CPUs, Java %s, max heap %d MiB, %s, pacing off%n%n",
        minutes, rate, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, BenchReport.database(dataSource)));
    report.append("| at s | sent | ended | running | inbox pending | heap used MiB | old gen after last GC MiB |\n");
    report.append("|---|---|---|---|---|---|---|\n");

    ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
    AtomicInteger failures = new AtomicInteger();
    ScheduledExecutorService customers = Executors.newScheduledThreadPool(4);
    customers.scheduleAtFixedRate(() -> {
      try {
        sent.add(sandbox.inbound(Sandbox.newCustomer()));
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
    long start = System.nanoTime();
    long end = start + Duration.ofMinutes(minutes).toNanos();
    while (System.nanoTime() < end) {
      Thread.sleep(30_000);
      sample(report, start, sent.size());
    }
    customers.shutdownNow();
    customers.awaitTermination(10, TimeUnit.SECONDS);
    // let the last lifecycles finish
    long drain = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle").count() > 0
        && System.nanoTime() < drain) {
      Thread.sleep(1000);
    }
    sample(report, start, sent.size());
    sim.put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 0, "wrapupAfterMs", 0,
        "completeAfterMs", 0));
    long ended = history.createHistoricProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .finished().count();
    report.append(String.format(Locale.ROOT, "%nSent %d, ended %d, inbound failures %d.%n", sent.size(), ended,
        failures.get()));
    report.append("\nLive heap at the end (top classes, `jcmd GC.class_histogram`):\n\n```\n")
        .append(histogram()).append("```\n");
    BenchReport.publish("soak", report);
  }

  private void sample(StringBuilder report, long start, int sent) {
    long ended = history.createHistoricProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .finished().count();
    long running = runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle").count();
    Long pending = jdbc.queryForObject("SELECT count(*) FROM webhook_inbox WHERE status = 'PENDING'", Long.class);
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long old = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getName().contains("Old Gen") && afterGc != null) {
        old = afterGc.getUsed();
      }
    }
    String row = String.format(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d |%n",
        (System.nanoTime() - start) / 1_000_000_000L, sent, ended, running, pending, heap >> 20, old >> 20);
    report.append(row);
    System.out.print("soak " + row);
  }

  private static String histogram() {
    try {
      Process jcmd = new ProcessBuilder("jcmd", String.valueOf(ProcessHandle.current().pid()),
          "GC.class_histogram").redirectErrorStream(true).start();
      List<String> lines = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
          .lines().toList();
      jcmd.waitFor(60, TimeUnit.SECONDS);
      return String.join("\n", lines.subList(0, Math.min(lines.size(), 25))) + "\n";
    } catch (IOException | InterruptedException e) {
      return "histogram not available: " + e + "\n";
    }
  }
}
