package io.flexorchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.flexorchestrator.FlexOrchestratorApplication;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.ChildApp;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.management.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A homogeneous Camunda cluster: two app nodes on ONE PostgreSQL database, the job executor on
 * both, behind a load balancer. Every webhook Twilio sends goes to one node and, at the same
 * time, to the other one (the same delivery, same idempotency token: as a retried delivery that
 * lands on the other node would), alternating which node answers. Each conversation's events are
 * thus applied concurrently on both nodes, and its jobs run on either; every interaction must
 * still end right, exactly once.
 *
 * <p>Node A runs in sandbox mode and its simulator plays Twilio for both nodes (its webhooks go
 * to the load balancer); node B runs in real mode against A's simulator
 * ({@code TWILIO_API_BASE_URL}). Both nodes have the load balancer's public URL, over which the
 * webhooks are signed. Two Spring contexts in this JVM, with distinct process engine names.
 *
 * <p>Runs only with PostgreSQL: {@code mvn verify -Ppostgres} (after
 * {@code scripts/postgres-start.sh}), which sets {@code it.cluster.datasource.url}; CI runs it in
 * its PostgreSQL step. In the default (H2) run it is skipped.
 */
@EnabledIfSystemProperty(named = "it.cluster.datasource.url", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeClusterIT {

  private static final String PUBLIC_URL = "http://lb.test";
  private static final String OPERATOR = "clusteroperator";
  private static final String OPERATOR_PASSWORD = "Cluster-Operator-1!";
  private static final int CONVERSATIONS = Integer.getInteger("it.cluster.conversations", 60);

  private LoadBalancer lb;
  private ConfigurableApplicationContext nodeA;
  private ConfigurableApplicationContext nodeB;
  private int portA;
  private int portB;

  @BeforeAll
  void startCluster() throws IOException {
    lb = new LoadBalancer();
    nodeA = start("nodeA", List.of(
        "--orchestrator.sim.webhook-target=http://localhost:" + lb.port()));
    portA = port(nodeA);
    nodeB = start("nodeB", List.of(
        "--TWILIO_ACCOUNT_SID=" + SandboxDefaults.ACCOUNT_SID,
        "--TWILIO_AUTH_TOKEN=" + SandboxDefaults.AUTH_TOKEN,
        "--TWILIO_API_BASE_URL=http://localhost:" + portA + "/sim",
        "--FLEX_WORKSPACE_SID=" + SandboxDefaults.WORKSPACE_SID,
        "--FLEX_WORKFLOW_SID=" + SandboxDefaults.WORKFLOW_SID,
        "--FLEX_CHAT_SERVICE_SID=" + SandboxDefaults.CHAT_SERVICE_SID,
        "--flex.fallback-workflow-sid=" + SandboxDefaults.FALLBACK_WORKFLOW_SID));
    portB = port(nodeB);
    assertThat(nodeA.getEnvironment().getProperty("orchestrator.sandbox")).isEqualTo("true");
    assertThat(nodeB.getEnvironment().getProperty("orchestrator.sandbox")).isEqualTo("false");
    lb.nodes(portA, portB);
  }

  @AfterAll
  void stopCluster() {
    if (nodeB != null) {
      nodeB.close();
    }
    if (nodeA != null) {
      nodeA.close();
    }
    if (lb != null) {
      lb.close();
    }
  }

  private static ConfigurableApplicationContext start(String engineName, List<String> extra) {
    List<String> args = new ArrayList<>(List.of(
        // command-line arguments win over the -Ppostgres system properties of the other ITs
        "--server.port=0",
        "--spring.datasource.url=" + System.getProperty("it.cluster.datasource.url"),
        "--spring.datasource.username=" + System.getProperty("it.cluster.datasource.username", ""),
        "--spring.datasource.password=" + System.getProperty("it.cluster.datasource.password", ""),
        "--camunda.bpm.process-engine-name=" + engineName,
        "--spring.jmx.enabled=false",
        "--ORCHESTRATOR_PUBLIC_URL=" + PUBLIC_URL,
        // identical behaviour on both nodes (the sandbox defaults the greeting on)
        "--orchestrator.routing.channels.default.greeting=true",
        "--orchestrator.checkup.enabled=false",
        // one operator account and one pseudonym key for both nodes; real mode refuses the
        // sandbox's (demo/demo, the built-in key), so the sandbox node uses these as well
        "--camunda.bpm.admin-user.id=" + OPERATOR,
        "--camunda.bpm.admin-user.password=" + OPERATOR_PASSWORD,
        "--orchestrator.routing.customer-identity-key=" + ChildApp.CUSTOMER_IDENTITY_KEY));
    args.addAll(extra);
    return new SpringApplicationBuilder(FlexOrchestratorApplication.class).profiles("it")
        .run(args.toArray(String[]::new));
  }

  private static int port(ConfigurableApplicationContext node) {
    return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
  }

  @Test
  void webhooksOfTheSameConversationsOnBothNodesEndEveryInteractionExactlyOnce() throws Exception {
    HistoryService history = nodeA.getBean(HistoryService.class);
    Sandbox sandbox = new Sandbox(new HttpJson(portA), history);
    sandbox.agents("auto");

    // customers write at once, each twice: the second message races the lifecycle's start
    List<String> conversations = Collections.synchronizedList(new ArrayList<>());
    ExecutorService customers = Executors.newFixedThreadPool(8);
    IntStream.range(0, CONVERSATIONS).forEach(i -> customers.execute(() -> {
      String customer = Sandbox.newCustomer();
      String ch = sandbox.inbound(customer);
      assertThat(sandbox.inbound(customer)).isEqualTo(ch);
      conversations.add(ch);
    }));
    customers.shutdown();
    assertThat(customers.awaitTermination(3, TimeUnit.MINUTES)).isTrue();
    assertThat(new HashSet<>(conversations)).hasSize(CONVERSATIONS);
    String[] keys = conversations.toArray(String[]::new);

    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
        history.createHistoricProcessInstanceQuery().processInstanceBusinessKeyIn(keys).finished()
            .count() == CONVERSATIONS);

    // the engine side, read from the shared database
    Map<String, Long> instances = new HashMap<>();
    List<String> instanceIds = new ArrayList<>();
    for (HistoricProcessInstance instance : history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKeyIn(keys).list()) {
      instances.merge(instance.getBusinessKey(), 1L, Long::sum);
      instanceIds.add(instance.getId());
    }
    for (String ch : conversations) {
      assertThat(instances.get(ch)).as("lifecycle instances of " + ch).isEqualTo(1);
      assertThat(sandbox.awaitOutcome(ch)).as("outcome of " + ch).isEqualTo("completed");
    }
    RuntimeService runtime = nodeB.getBean(RuntimeService.class);
    assertThat(runtime.createIncidentQuery().list().stream()
        .filter(incident -> instanceIds.contains(incident.getProcessInstanceId())))
        .as("incidents").isEmpty();
    JdbcTemplate db = nodeB.getBean(JdbcTemplate.class);
    List<Map<String, Object>> unsettled = new ArrayList<>();
    for (String ch : conversations) {
      unsettled.addAll(db.queryForList("SELECT id, event_type, status, last_error FROM webhook_inbox"
          + " WHERE conversation_sid = ? AND status IN ('PENDING', 'DEAD')", ch));
    }
    assertThat(unsettled).as("inbox events pending or dead-lettered").isEmpty();

    // the Twilio side, as the simulator saw the REST calls of both nodes
    Map<String, Integer> interactionCreates = new HashMap<>();
    for (JsonNode request : new HttpJson(portA).get("/sim/control/requests").json()) {
      if (request.get("method").asText().equals("POST")
          && request.get("path").asText().endsWith("/flex-api/v1/Interactions")) {
        String text = request.toString();
        conversations.stream().filter(text::contains).findFirst()
            .ifPresent(ch -> interactionCreates.merge(ch, 1, Integer::sum));
      }
    }
    for (String ch : conversations) {
      Set<String> interactions = new HashSet<>();
      sandbox.tasks(ch).forEach(task -> interactions.add(task.get("interactionSid").asText()));
      assertThat(interactions).as("interactions of " + ch).hasSize(1);
      JsonNode interaction = sandbox.interaction(interactions.iterator().next());
      assertThat(interaction.get("channels").get(0).get("status").asText()).as("channel of " + ch)
          .isEqualTo("closed");
      assertThat(interaction.get("channels").get(0).get("invites")).as("invites of " + ch).isEmpty();
      assertThat(interactionCreates.get(ch)).as("Interactions created for " + ch).isEqualTo(1);
      long greetings = 0;
      for (JsonNode message : sandbox.conversation(ch).get("messages")) {
        if ("Contact Center".equals(message.path("author").asText())) {
          greetings++;
        }
      }
      assertThat(greetings).as("greetings in " + ch).isEqualTo(1);
    }

    // both nodes did their share: webhooks accepted and deduplicated, jobs executed
    assertThat(lb.failures).as("deliveries to the second node that failed").isEmpty();
    for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
      String name = node.getEnvironment().getProperty("camunda.bpm.process-engine-name");
      System.out.printf("TwoNodeClusterIT %s: %d webhooks stored, %d duplicates, %d jobs executed%n",
          name, webhooks(node, "accepted"), webhooks(node, "duplicate"), jobsExecuted(node));
      assertThat(webhooks(node, "accepted")).as(name + " accepted webhooks").isPositive();
      assertThat(webhooks(node, "duplicate")).as(name + " duplicate webhooks").isPositive();
      assertThat(jobsExecuted(node)).as(name + " jobs executed").isPositive();
    }
    long accepted = webhooks(nodeA, "accepted") + webhooks(nodeB, "accepted");
    long duplicates = webhooks(nodeA, "duplicate") + webhooks(nodeB, "duplicate");
    long ignored = webhooks(nodeA, "ignored") + webhooks(nodeB, "ignored");
    assertThat(accepted + duplicates + ignored).as("every delivery verified on both nodes")
        .isEqualTo(lb.fannedOut.get());
    // each stored event reached both nodes: one stored it, the other saw a duplicate
    assertThat(duplicates).as("duplicates").isGreaterThanOrEqualTo(accepted);
  }

  private static long webhooks(ConfigurableApplicationContext node, String outcome) {
    return node.getBean(MeterRegistry.class).find("orchestrator.webhooks").tag("outcome", outcome)
        .timers().stream().mapToLong(Timer::count).sum();
  }

  private static long jobsExecuted(ConfigurableApplicationContext node) {
    ProcessEngineConfigurationImpl configuration = (ProcessEngineConfigurationImpl)
        node.getBean(ProcessEngine.class).getProcessEngineConfiguration();
    return configuration.getMetricsRegistry().getDbMeters().get(Metrics.JOB_SUCCESSFUL).get();
  }

  /**
   * The load balancer in front of the two nodes. Every post-event webhook goes to both nodes at
   * once (the caller gets the answer of the one whose turn it is); anything else goes to one.
   */
  static final class LoadBalancer implements AutoCloseable {

    private static final Set<String> FAN_OUT = Set.of("/webhooks/conversations", "/webhooks/taskrouter");
    private static final List<String> FORWARDED = List.of("Content-Type", "X-Twilio-Signature",
        "I-Twilio-Idempotency-Token", "User-Agent");

    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    /** Deliveries sent to both nodes, counted twice (one per node). */
    final AtomicInteger fannedOut = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong turn = new AtomicLong();
    private volatile int[] ports;

    LoadBalancer() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
      server.createContext("/", this::handle);
      server.setExecutor(threads);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    void nodes(int... nodePorts) {
      this.ports = nodePorts;
    }

    private void handle(HttpExchange exchange) throws IOException {
      try (exchange) {
        int[] nodes = ports;
        if (nodes == null) {
          exchange.sendResponseHeaders(503, -1);
          return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getRawPath();
        int first = (int) (turn.getAndIncrement() % nodes.length);
        CompletableFuture<HttpResponse<byte[]>> answer = forward(exchange, body, nodes[first]);
        if (FAN_OUT.contains(path)) {
          fannedOut.addAndGet(2);
          int other = nodes[(first + 1) % nodes.length];
          CompletableFuture<HttpResponse<byte[]>> second = forward(exchange, body, other);
          try {
            int status = second.get(30, TimeUnit.SECONDS).statusCode();
            if (status < 200 || status >= 300) {
              failures.add(path + " on " + other + ": " + status);
            }
          } catch (Exception e) {
            failures.add(path + " on " + other + ": " + e);
          }
        }
        HttpResponse<byte[]> response;
        try {
          response = answer.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          exchange.sendResponseHeaders(502, -1);
          return;
        }
        response.headers().firstValue("Content-Type")
            .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
          exchange.getResponseBody().write(out);
        }
      }
    }

    private CompletableFuture<HttpResponse<byte[]>> forward(HttpExchange exchange, byte[] body, int port) {
      HttpRequest.Builder request = HttpRequest.newBuilder(
              URI.create("http://localhost:" + port + exchange.getRequestURI()))
          .timeout(Duration.ofSeconds(20))
          .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (String header : FORWARDED) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
          request.header(header, value);
        }
      }
      return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}
