package io.flexorchestrator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.flexapi.v1.Interaction;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.TwilioSignatures;
import io.flexorchestrator.support.WebhookClient;
import io.flexorchestrator.twilio.TwilioGateway;
import io.flexorchestrator.webhook.SignatureVerifier;
import io.flexorchestrator.webhook.WebhookRequest;
import io.flexorchestrator.webhook.WebhookRequestReader;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The lifecycle under load, in sandbox mode (app, engine, simulator and load generator in one JVM
 * on H2 in memory), next to a minimal handler with the same HTTP stack and database but no engine
 * ({@link Baseline}). Scenarios: (1) burst of new conversations → interaction created, (2) full
 * lifecycles with virtual agents on 50 ms delays, (4) webhook acknowledgement at fixed rates.
 * Pacing is off here ({@code interactions-per-second=0}): this measures the engine, not Twilio's
 * limit (that is {@code InteractionPacingIT}). Run with
 * {@code mvn -B verify -Pbench -Dit.test=LifecycleBenchmark}; sizes via {@code -Dbench.burst=300
 * -Dbench.lifecycles=300 -Dbench.webhook-rates=500,1000 -Dbench.webhook-seconds=10}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "bench.baseline=true", "orchestrator.twilio.interactions-per-second=0"})
@ActiveProfiles("it")
// explicitly: Spring Boot's test filter keeps classes nested in test classes out of the scan
@org.springframework.context.annotation.Import(LifecycleBenchmark.Baseline.class)
class LifecycleBenchmark {

  static final Pattern CONVERSATION = Pattern.compile("CH[0-9a-f]{32}");

  @LocalServerPort int port;
  @Autowired DataSource dataSource;
  @Autowired HistoryService history;
  @Autowired ManagementService management;
  @Autowired TwilioGateway gateway;

  final StringBuilder report = new StringBuilder();

  @Test
  void lifecycleUnderLoad() throws Exception {
    int burst = Integer.getInteger("bench.burst", 200);
    int lifecycles = Integer.getInteger("bench.lifecycles", 200);
    String[] rates = System.getProperty("bench.webhook-rates", "500,1000").split(",");
    int webhookSeconds = Integer.getInteger("bench.webhook-seconds", 10);
    HttpJson sim = new HttpJson(port);
    Sandbox sandbox = new Sandbox(sim, history);
    sim.put("/sim/control/limits", Map.of("interactionsPerSecond", 0));

    line("Lifecycle benchmark: %d CPUs, Java %s, max heap %d MiB, %s, pacing off%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, BenchReport.database(dataSource));
    line("| scenario | n | elapsed s | throughput /s | p50 ms | p99 ms | max ms | load avg before → after |%n");
    line("|---|---|---|---|---|---|---|---|%n");

    // warm-up: a few lifecycles end to end so classes, specs and plans are loaded
    sandbox.agents("manual");
    inboundBurst(sim, 30);

    // (1) engine: burst of new conversations until each has its interaction
    sandbox.agents("manual");
    row("1 burst → interaction (engine)", inboundBurst(sim, burst));
    // (1b) baseline: one insert + the same Interactions create, no engine
    row("1 burst → interaction (baseline)", baselineBurst(burst));

    // (2) full lifecycles with virtual agents on short delays
    sim.put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 50, "wrapupAfterMs", 50,
        "completeAfterMs", 50));
    row("2 full lifecycles (engine)", fullLifecycles(sim, lifecycles));
    sandbox.agents("manual");

    // (4) webhook acknowledgement at fixed rates: stored TaskRouter events vs the baseline, once
    // the lifecycles' trailing work (channel closes, late webhooks) no longer competes for the CPU
    awaitQuiet();
    List<LoadGenerator.Result> webhooks = new ArrayList<>();
    for (String rate : rates) {
      int rps = Integer.parseInt(rate.trim());
      try (LoadGenerator load = new LoadGenerator("http://localhost:" + port + "/webhooks/taskrouter")) {
        webhooks.add(load.run("4 webhook ack (engine inbox)", rps, webhookSeconds,
            taskRouterEvents(rps * webhookSeconds, "/webhooks/taskrouter")));
      }
      try (LoadGenerator load = new LoadGenerator("http://localhost:" + port + Baseline.WEBHOOK)) {
        webhooks.add(load.run("4 webhook ack (baseline)", rps, webhookSeconds,
            taskRouterEvents(rps * webhookSeconds, Baseline.WEBHOOK)));
      }
    }
    line("%nWebhook acknowledgement (open loop, latency from each request's scheduled start):%n%n");
    line("%s%n", LoadGenerator.HEADER);
    webhooks.forEach(r -> line("%s%n", r.row()));

    BenchReport.publish("lifecycle", report);
  }

  /** Waits (at most a minute) until no job is due and no webhook event waits to be applied. */
  void awaitQuiet() throws InterruptedException {
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    int quiet = 0;
    while (quiet < 3 && System.nanoTime() < deadline) {
      Thread.sleep(500);
      boolean idle = management.createJobQuery().executable().count() == 0
          && jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE status = 'PENDING'",
              Long.class) == 0;
      quiet = idle ? quiet + 1 : 0;
    }
  }

  record Measured(int n, double seconds, long[] latenciesNanos, double loadBefore, double loadAfter) {}

  /** N customers write at once (8 threads); latency = inbound answered → Interactions create seen by the simulator. */
  Measured inboundBurst(HttpJson sim, int n) throws Exception {
    double loadBefore = LoadGenerator.loadAverage();
    Sandbox sandbox = new Sandbox(sim, history);
    Map<String, Instant> sent = new ConcurrentHashMap<>();
    ExecutorService customers = Executors.newFixedThreadPool(8);
    Instant start = Instant.now();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(customers.submit(() -> sent.put(sandbox.inbound(Sandbox.newCustomer()), Instant.now())));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    customers.shutdown();
    Map<String, Instant> created = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (created.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(500);
      created = creates(sim, sent.keySet());
    }
    if (created.size() < n) {
      throw new AssertionError("only " + created.size() + " of " + n + " interactions created");
    }
    long[] latencies = new long[n];
    int i = 0;
    Instant last = start;
    for (Map.Entry<String, Instant> e : created.entrySet()) {
      latencies[i++] = Duration.between(sent.get(e.getKey()), e.getValue()).toNanos();
      last = e.getValue().isAfter(last) ? e.getValue() : last;
    }
    return new Measured(n, Duration.between(start, last).toMillis() / 1000.0, latencies, loadBefore,
        LoadGenerator.loadAverage());
  }

  /** The first successful Interactions create the simulator logged for each of the conversations. */
  static Map<String, Instant> creates(HttpJson sim, java.util.Set<String> conversations) {
    Map<String, Instant> created = new HashMap<>();
    for (JsonNode request : sim.get("/sim/control/requests?path=/flex-api/v1/Interactions").json()) {
      if (!"POST".equals(request.get("method").asText())
          || !"/sim/flex-api/v1/Interactions".equals(request.get("path").asText())) {
        continue;
      }
      Matcher m = CONVERSATION.matcher(request.get("params").toString());
      while (m.find()) {
        if (conversations.contains(m.group())) {
          created.putIfAbsent(m.group(), Instant.parse(request.get("at").asText()));
          break;
        }
      }
    }
    return created;
  }

  /** The same burst through the minimal handler: conversations made by REST (no webhooks), then 8 threads. */
  Measured baselineBurst(int n) throws Exception {
    List<String> conversations = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conversations.add(Conversation.creator().create(gateway.client()).getSid());
    }
    double loadBefore = LoadGenerator.loadAverage();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService customers = Executors.newFixedThreadPool(8);
    long[] latencies = new long[n];
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(customers.submit(() -> {
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + Baseline.INBOUND + "?conversationSid=" + conversations.get(index)))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new AssertionError("baseline answered " + r.statusCode() + ": " + r.body());
        }
        latencies[index] = System.nanoTime() - t;
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    customers.shutdown();
    return new Measured(n, (System.nanoTime() - start) / 1e9, latencies, loadBefore, LoadGenerator.loadAverage());
  }

  /** N conversations from inbound to the lifecycle's end; latency = inbound → instance ended. */
  Measured fullLifecycles(HttpJson sim, int n) throws Exception {
    double loadBefore = LoadGenerator.loadAverage();
    Sandbox sandbox = new Sandbox(sim, history);
    Map<String, Instant> sent = new ConcurrentHashMap<>();
    ExecutorService customers = Executors.newFixedThreadPool(8);
    Instant start = Instant.now();
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(customers.submit(() -> sent.put(sandbox.inbound(Sandbox.newCustomer()), Instant.now())));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    customers.shutdown();
    String[] keys = sent.keySet().toArray(String[]::new);
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (history.createHistoricProcessInstanceQuery().processInstanceBusinessKeyIn(keys).finished().count() < n
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
    }
    List<HistoricProcessInstance> ended = history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKeyIn(keys).finished().list();
    if (ended.size() < n) {
      throw new AssertionError("only " + ended.size() + " of " + n + " lifecycles ended");
    }
    long[] latencies = new long[ended.size()];
    Date last = Date.from(start);
    for (int i = 0; i < ended.size(); i++) {
      HistoricProcessInstance p = ended.get(i);
      latencies[i] = Duration.between(sent.get(p.getBusinessKey()), p.getEndTime().toInstant()).toNanos();
      last = p.getEndTime().after(last) ? p.getEndTime() : last;
    }
    return new Measured(n, Duration.between(start, last.toInstant()).toMillis() / 1000.0, latencies,
        loadBefore, LoadGenerator.loadAverage());
  }

  /** Distinct, signed TaskRouter events the lifecycle acts on (so each is stored in the inbox). */
  List<LoadGenerator.Prepared> taskRouterEvents(int n, String path) {
    List<LoadGenerator.Prepared> events = new ArrayList<>(n);
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < n; i++) {
      byte[] random = new byte[16];
      ThreadLocalRandom.current().nextBytes(random);
      String id = hex.formatHex(random);
      Map<String, String> p = new LinkedHashMap<>();
      p.put("AccountSid", SandboxDefaults.ACCOUNT_SID);
      p.put("EventType", "reservation.rejected");
      p.put("Sid", "EV" + id);
      p.put("TaskSid", "WT" + id);
      p.put("ReservationSid", "WR" + id);
      p.put("WorkerSid", "WK" + id);
      p.put("Timestamp", String.valueOf(System.currentTimeMillis() / 1000));
      p.put("TaskAttributes", "{\"conversationSid\":\"CH" + id + "\",\"channelType\":\"sms\"}");
      events.add(new LoadGenerator.Prepared(WebhookClient.form(p),
          TwilioSignatures.sign(SandboxDefaults.AUTH_TOKEN, "http://localhost:" + port + path, p)));
    }
    return events;
  }

  void row(String name, Measured m) {
    long[] sorted = m.latenciesNanos().clone();
    Arrays.sort(sorted);
    line("| %s | %d | %.1f | %.1f | %.0f | %.0f | %.0f | %.1f → %.1f |%n", name, m.n(), m.seconds(),
        m.n() / m.seconds(), LoadGenerator.percentile(sorted, 0.5) / 1e6,
        LoadGenerator.percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6, m.loadBefore(),
        m.loadAfter());
    System.out.print(report.substring(report.lastIndexOf("| " + name)));
  }

  void line(String format, Object... args) {
    report.append(String.format(Locale.ROOT, format, args));
  }

  /**
   * The minimal handler: the same Tomcat, request reading, signature check and H2 database as the
   * orchestrator, one insert, and (for an inbound) the same Interactions create; no engine, no
   * inbox. Only in this benchmark's context ({@code bench.baseline=true}).
   */
  @RestController
  @ConditionalOnProperty(name = "bench.baseline", havingValue = "true")
  static class Baseline {
    static final String WEBHOOK = "/bench/baseline/taskrouter";
    static final String INBOUND = "/bench/baseline/inbound";

    private final JdbcTemplate jdbc;
    private final WebhookRequestReader reader;
    private final SignatureVerifier verifier;
    private final TwilioGateway gateway;
    private final FlexProperties flex;

    Baseline(JdbcTemplate jdbc, WebhookRequestReader reader, SignatureVerifier verifier,
        TwilioGateway gateway, FlexProperties flex) {
      this.jdbc = jdbc;
      this.reader = reader;
      this.verifier = verifier;
      this.gateway = gateway;
      this.flex = flex;
      jdbc.execute("CREATE TABLE IF NOT EXISTS bench_baseline (id BIGINT GENERATED BY DEFAULT AS IDENTITY"
          + " PRIMARY KEY, kind VARCHAR(20) NOT NULL, payload VARCHAR(20000) NOT NULL, received_at TIMESTAMP NOT NULL)");
    }

    @PostMapping(WEBHOOK)
    ResponseEntity<Void> webhook(HttpServletRequest http) {
      WebhookRequest request = reader.read(http);
      verifier.verify(request);
      jdbc.update("INSERT INTO bench_baseline (kind, payload, received_at) VALUES (?, ?, ?)", "webhook",
          request.params().toString(), Timestamp.from(Instant.now()));
      return ResponseEntity.noContent().build();
    }

    @PostMapping(INBOUND)
    ResponseEntity<String> inbound(@RequestParam String conversationSid) {
      jdbc.update("INSERT INTO bench_baseline (kind, payload, received_at) VALUES (?, ?, ?)", "inbound",
          conversationSid, Timestamp.from(Instant.now()));
      Map<String, Object> attributes = new LinkedHashMap<>();
      attributes.put("conversationSid", conversationSid);
      attributes.put("channelType", "sms");
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("workspace_sid", flex.workspaceSid());
      properties.put("workflow_sid", flex.workflowSid());
      properties.put("task_channel_unique_name", "chat");
      properties.put("attributes", attributes);
      Interaction interaction = Interaction.creator(Map.of("type", "sms", "initiated_by", "customer",
              "properties", Map.of("media_channel_sid", conversationSid)))
          .setRouting(Map.of("properties", properties)).create(gateway.client());
      return ResponseEntity.ok(interaction.getSid());
    }
  }
}
