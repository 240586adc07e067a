package io.flexorchestrator.bench;

import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.WebhookClient;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Issue 9 scenario (3): TaskRouter event correlation latency with 1k, 10k and 30k (default) or 100k running
 * lifecycles in the database. Running instances are made with the engine's public API, started
 * directly at the agent wait ({@code gateway-wait-for-agent}, with their subprocess' boundary
 * subscriptions), so each holds the rows a real waiting interaction holds. At each level, probes
 * are sent one at a time as signed {@code reservation.accepted} webhooks over HTTP; latency = the
 * webhook's round trip (acknowledgement) and stored → applied (the inbox's received_at →
 * applied_at, i.e. business-key lookup + correlation + commit). The plans of the lookups are
 * printed with EXPLAIN. Run with {@code mvn -B verify -Pbench -Dit.test=CorrelationBenchmark}
 * ({@code -Dbench.levels=1000,10000,100000 -Dbench.probes=200}); add {@code -Ppostgres} for
 * PostgreSQL (after {@code scripts/postgres-start.sh --fresh}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("it")
class CorrelationBenchmark {

  static final String WAIT = "gateway-wait-for-agent";

  @LocalServerPort int port;
  @Autowired RuntimeService runtime;
  @Autowired DataSource dataSource;

  final StringBuilder report = new StringBuilder();

  @Test
  void correlationLatencyAsRunningInstancesGrow() throws Exception {
    // default 30k: on the in-memory H2 every row lives in the 1 GiB heap; the 100k target run is
    // -Dbench.levels=1000,10000,100000 on PostgreSQL (docs/benchmarks.md)
    int[] levels = Arrays.stream(System.getProperty("bench.levels", "1000,10000,30000").split(","))
        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
    int probes = Integer.getInteger("bench.probes", 200);
    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    String database = BenchReport.database(dataSource);
    WebhookClient webhooks = new WebhookClient(port);

    line("Correlation benchmark: %d CPUs, Java %s, %s%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), database);
    line("| running instances | populate s | probes | ack p50 ms | ack p99 ms | stored → applied p50 ms | stored → applied p99 ms | max ms |%n");
    line("|---|---|---|---|---|---|---|---|%n");

    // warm-up at the first level's size is part of the first level (classes, plans, caches)
    long running = runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle").count();
    for (int level : levels) {
      long t = System.nanoTime();
      populate((int) Math.max(0, level - running));
      running = runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle").count();
      double populateSeconds = (System.nanoTime() - t) / 1e9;
      probe(webhooks, jdbc, Math.min(50, probes)); // warm-up, not counted
      long[][] latencies = probe(webhooks, jdbc, probes);
      Arrays.sort(latencies[0]);
      Arrays.sort(latencies[1]);
      line("| %d | %.1f | %d | %.2f | %.2f | %.2f | %.2f | %.1f |%n", running, populateSeconds, probes,
          LoadGenerator.percentile(latencies[0], 0.5) / 1e6, LoadGenerator.percentile(latencies[0], 0.99) / 1e6,
          LoadGenerator.percentile(latencies[1], 0.5) / 1e6, LoadGenerator.percentile(latencies[1], 0.99) / 1e6,
          latencies[1][latencies[1].length - 1] / 1e6);
      System.out.print(report.substring(report.lastIndexOf("| " + running + " |")));
    }
    explain(jdbc, database);

    BenchReport.publish("correlation", report);
  }

  /** Running lifecycles waiting for their agent, made by 4 threads. */
  void populate(int n) throws Exception {
    if (n <= 0) {
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> done = new ArrayList<>();
    int chunk = 500;
    for (int from = 0; from < n; from += chunk) {
      int count = Math.min(chunk, n - from);
      done.add(pool.submit(() -> {
        for (int i = 0; i < count; i++) {
          startWaiting(sid("CH"));
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
  }

  String startWaiting(String conversationSid) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("conversationSid", conversationSid);
    variables.put("chatServiceSid", SandboxDefaults.CHAT_SERVICE_SID);
    variables.put("retryCycle", "R3/PT10S");
    variables.put("routingMode", "interactions");
    variables.put("channelType", "sms");
    variables.put("longLived", false);
    variables.put("agentAccepted", false);
    variables.put("rerouteAttempts", 0);
    variables.put("maxRerouteAttempts", 2);
    variables.put("interactionSid", sid("KD"));
    variables.put("channelSid", sid("UO"));
    return runtime.createProcessInstanceByKey("interaction-lifecycle").businessKey(conversationSid)
        .setVariables(variables).startBeforeActivity(WAIT).execute(true, true).getId();
  }

  /** One probe at a time: a fresh waiting instance gets its reservation.accepted. */
  long[][] probe(WebhookClient webhooks, JdbcTemplate jdbc, int n) throws Exception {
    long[] ack = new long[n];
    long[] applied = new long[n];
    for (int i = 0; i < n; i++) {
      String conversation = sid("CH");
      String instance = startWaiting(conversation);
      String task = sid("WT");
      Map<String, String> p = new LinkedHashMap<>();
      p.put("AccountSid", SandboxDefaults.ACCOUNT_SID);
      p.put("EventType", "reservation.accepted");
      p.put("Sid", sid("EV"));
      p.put("TaskSid", task);
      p.put("ReservationSid", sid("WR"));
      p.put("WorkerSid", sid("WK"));
      p.put("Timestamp", String.valueOf(System.currentTimeMillis() / 1000));
      p.put("TaskAttributes", "{\"conversationSid\":\"" + conversation + "\",\"channelType\":\"sms\"}");
      long t = System.nanoTime();
      HttpResponse<String> r = webhooks.post("/webhooks/taskrouter", p);
      ack[i] = System.nanoTime() - t;
      if (r.statusCode() >= 300) {
        throw new AssertionError("webhook answered " + r.statusCode() + ": " + r.body());
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (true) {
        List<Map<String, Object>> rows = jdbc.queryForList(
            "SELECT status, received_at, applied_at FROM webhook_inbox WHERE task_sid = ?", task);
        if (!rows.isEmpty() && rows.get(0).get("applied_at") != null) {
          if (!"DONE".equalsIgnoreCase(String.valueOf(rows.get(0).get("status")))) {
            throw new AssertionError("probe not applied: " + rows.get(0));
          }
          applied[i] = (((Timestamp) rows.get(0).get("applied_at")).toInstant().toEpochMilli()
              - ((Timestamp) rows.get(0).get("received_at")).toInstant().toEpochMilli()) * 1_000_000L
              + (((Timestamp) rows.get(0).get("applied_at")).getNanos() % 1_000_000
              - ((Timestamp) rows.get(0).get("received_at")).getNanos() % 1_000_000);
          if (!Boolean.TRUE.equals(runtime.getVariable(instance, "agentAccepted"))) {
            throw new AssertionError("probe applied but the lifecycle did not take it: " + rows);
          }
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("probe for " + conversation + " not applied in 30 s: " + rows);
        }
        Thread.onSpinWait();
      }
    }
    return new long[][] {ack, applied};
  }

  /** The plans of the lookups one correlation makes (as the engine's mappings write them). */
  void explain(JdbcTemplate jdbc, String database) {
    String any = runtime.createProcessInstanceQuery().processDefinitionKey("interaction-lifecycle")
        .listPage(0, 1).get(0).getBusinessKey();
    String instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(any).singleResult().getId();
    boolean postgres = database.toLowerCase(Locale.ROOT).contains("postgres");
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("lifecycle by business key (ExecutionQuery, as LifecycleApplier.running asks)",
        "SELECT RES.PROC_INST_ID_ FROM ACT_RU_EXECUTION RES"
        + " INNER JOIN ACT_RU_EXECUTION INST ON RES.PROC_INST_ID_ = INST.ID_"
        + " INNER JOIN ACT_RE_PROCDEF P ON RES.PROC_DEF_ID_ = P.ID_"
        + " WHERE P.KEY_ = 'interaction-lifecycle' AND INST.BUSINESS_KEY_ = '" + any + "'");
    queries.put("lifecycle by business key (ProcessInstanceQuery, as before)", "SELECT RES.ID_"
        + " FROM ACT_RU_EXECUTION RES INNER JOIN ACT_RE_PROCDEF P ON RES.PROC_DEF_ID_ = P.ID_"
        + " WHERE RES.PARENT_ID_ IS NULL AND (P.KEY_ = 'interaction-lifecycle' AND RES.BUSINESS_KEY_ = '"
        + any + "')");
    queries.put("waiting for the message? (EventSubscriptionQuery by instance, as before)", "SELECT count(*) FROM ACT_RU_EVENT_SUBSCR RES"
        + " WHERE RES.EVENT_TYPE_ = 'message' AND RES.EVENT_NAME_ = 'ReservationAccepted'"
        + " AND RES.PROC_INST_ID_ = '" + instance + "'");
    queries.put("waiting for the message? / correlation (ExecutionQuery, as MessageWaits and the engine ask)", "SELECT RES.ID_ FROM ACT_RU_EXECUTION RES"
        + " INNER JOIN ACT_RU_EVENT_SUBSCR EVT ON EVT.EXECUTION_ID_ = RES.ID_"
        + " WHERE RES.PROC_INST_ID_ = '" + instance + "' AND EVT.EVENT_TYPE_ = 'message'"
        + " AND EVT.EVENT_NAME_ = 'ReservationAccepted'");
    queries.put("instance variables", "SELECT * FROM ACT_RU_VARIABLE WHERE EXECUTION_ID_ = '" + instance
        + "' AND TASK_ID_ IS NULL");
    line("%nPlans (%s, %s):%n%n", database, postgres ? "EXPLAIN ANALYZE" : "EXPLAIN");
    queries.forEach((name, sql) -> {
      List<String> plan = jdbc.queryForList((postgres ? "EXPLAIN ANALYZE " : "EXPLAIN ") + sql, String.class);
      line("- %s:%n```%n%s%n```%n", name, String.join("\n", plan));
    });
  }

  static String sid(String prefix) {
    byte[] random = new byte[16];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }

  void line(String format, Object... args) {
    report.append(String.format(Locale.ROOT, format, args));
  }
}
