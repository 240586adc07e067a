package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.WebhookClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, on the packaged jar in a child JVM (sandbox mode, H2 file database): the
 * webhooks in flight are answered, every webhook answered 2xx is in the inbox, the job executor
 * stops cleanly (running jobs finish) and, after a restart on the same
 * database, every acknowledged event has been applied.
 */
class GracefulShutdownIT {

  private static final int LOAD_THREADS = 6;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
  }

  @Test
  void sigtermUnderLoadFinishesInFlightWebhooksStopsJobsCleanlyAndLosesNothing() throws Exception {
    Path jar = packagedJar();
    // the child apps' logs stay in target/ for a post-mortem
    Path logs = Files.createDirectories(Path.of("target", "graceful-shutdown-it"));
    // as the app's default: H2 must not close itself on SIGTERM before the app has shut down,
    // and a commit is on disk before the webhook is acknowledged
    String db = "jdbc:h2:file:" + dir.resolve("db/orchestrator").toAbsolutePath()
        + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";

    int port = freePort();
    Process first = start(jar, db, port, logs.resolve("first.log"));
    awaitReady(first, port);
    HttpJson sim = new HttpJson(port);
    // the simulator's conversations give the job executor real work; agents never answer
    assertThat(sim.put("/sim/control/agents", Map.of("mode", "manual")).status()).isEqualTo(200);

    // load: signed onMessageAdded webhooks for new conversations, and customers writing
    AtomicBoolean stop = new AtomicBoolean();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> notOk = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    WebhookClient webhooks = new WebhookClient(port);
    List<Thread> load = new ArrayList<>();
    for (int t = 0; t < LOAD_THREADS; t++) {
      boolean customers = t == 0;
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 5_000 && !stop.get(); i++) {
          try {
            if (customers) {
              sim.post("/sim/control/inbound", Map.of("from", String.format("+1555%07d",
                  ThreadLocalRandom.current().nextInt(10_000_000)), "to", "+15550001111",
                  "body", "hi", "channel", "sms"));
              continue;
            }
            String ch = sid("CH");
            Map<String, String> params = messageAdded(ch);
            HttpResponse<String> response = webhooks.post("/webhooks/conversations", params,
                webhooks.sign("/webhooks/conversations", params), "tok-" + params.get("MessageSid"));
            statuses.add(response.statusCode());
            if (response.statusCode() != 200) {
              notOk.add(response.statusCode() + " " + response.headers().map() + " " + response.body());
            }
            if (response.statusCode() / 100 == 2) {
              acknowledged.add(ch);
            }
          } catch (RuntimeException connectionRefusedOrReset) {
            refused.incrementAndGet();
            if (!first.isAlive()) {
              return;
            }
            pause(); // the listener is closed: the app is draining, then exits
          }
        }
      }, "load-" + t);
      thread.start();
      load.add(thread);
    }

    await().atMost(Duration.ofMinutes(2)).until(() -> acknowledged.size() >= 150);
    first.destroy(); // SIGTERM
    assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("exited within 2 minutes").isTrue();
    stop.set(true);
    for (Thread thread : load) {
      thread.join(30_000);
    }
    String log = Files.readString(logs.resolve("first.log"), StandardCharsets.UTF_8);
    assertThat(first.exitValue()).as("exit code after SIGTERM\n" + tail(log)).isIn(0, 143);
    assertThat(log).contains("Commencing graceful shutdown").contains("Graceful shutdown complete")
        .contains("Job executor stopped gracefully");
    assertThat(log).doesNotContain("Exception in thread");
    assertThat(statuses).as("answers to webhooks: never an error while shutting down: " + notOk)
        .allMatch(status -> status == 200);

    // right after the exit: every acknowledged webhook is stored
    try (Connection h2 = DriverManager.getConnection(db, "sa", "")) {
      for (String ch : acknowledged) {
        assertThat(count(h2, "SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?", ch))
            .as("inbox rows of acknowledged " + ch).isEqualTo(1);
      }
      // jobs the acquisition locked but never started are free again once their lock expires
      // (60 s): no running job was interrupted, which the log line above says
    }

    // restart on the same database: everything acknowledged gets applied
    int port2 = freePort();
    Process second = start(jar, db, port2, logs.resolve("second.log"));
    awaitReady(second, port2);
    HttpJson operator = new HttpJson(port2, SandboxDefaults.ADMIN_USER, SandboxDefaults.ADMIN_PASSWORD);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
        operator.get("/api/inbox?status=PENDING&limit=1000").json().isEmpty());
    assertThat(operator.get("/api/inbox?status=DEAD&limit=1000").json()).as("dead-lettered").isEmpty();
    second.destroy();
    assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();

    try (Connection h2 = DriverManager.getConnection(db, "sa", "")) {
      for (String ch : acknowledged) {
        assertThat(count(h2, "SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?"
            + " AND status = 'DONE'", ch)).as("applied event of " + ch).isEqualTo(1);
        assertThat(count(h2, "SELECT COUNT(*) FROM ACT_HI_PROCINST WHERE BUSINESS_KEY_ = ?", ch))
            .as("lifecycles started by " + ch).isEqualTo(1);
      }
      assertThat(count(h2, "SELECT COUNT(*) FROM webhook_inbox WHERE status IN ('PENDING', 'DEAD')"))
          .as("events not applied").isZero();
    }
    System.out.printf("GracefulShutdownIT: %d webhooks acknowledged before/while SIGTERM, %d refused"
        + " after the listener closed%n", acknowledged.size(), refused.get());
  }

  private Process start(Path jar, String db, int port, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx768m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
        "--server.port=" + port,
        "--spring.datasource.url=" + db,
        "--spring.datasource.username=sa",
        "--spring.datasource.password=",
        "--orchestrator.processes-location=file:" + Path.of("processes").toAbsolutePath() + "/",
        "--orchestrator.checkup.enabled=false",
        "--orchestrator.inbox.poll-interval=200ms",
        "--camunda.bpm.job-execution.wait-time-in-millis=100",
        "--camunda.bpm.job-execution.max-wait=500",
        "--orchestrator.lifecycle.retry-cycle=R3/PT1S",
        "--spring.jmx.enabled=false"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(dir.toFile());
    // sandbox mode whatever this JVM's environment says
    builder.environment().keySet().removeIf(name -> name.startsWith("TWILIO_")
        || name.startsWith("FLEX_") || name.startsWith("ORCHESTRATOR_")
        || name.startsWith("SPRING_") || name.startsWith("CAMUNDA_") || name.equals("SERVER_PORT")
        || name.equals("JAVA_TOOL_OPTIONS"));
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private void awaitReady(Process process, int port) {
    HttpJson http = new HttpJson(port);
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
      assertThat(process.isAlive()).as("the app exited while starting").isTrue();
      try {
        return http.get("/actuator/health/readiness").status() == 200;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
  }

  private static Path packagedJar() throws IOException {
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "flex-orchestrator-*.jar")) {
      for (Path jar : jars) {
        if (!jar.toString().endsWith("-plain.jar")) {
          return jar.toAbsolutePath();
        }
      }
    }
    throw new IllegalStateException("no packaged jar in target/: run through mvn verify");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Map<String, String> messageAdded(String conversationSid) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", "onMessageAdded");
    params.put("AccountSid", SandboxDefaults.ACCOUNT_SID);
    params.put("ChatServiceSid", SandboxDefaults.CHAT_SERVICE_SID);
    params.put("ConversationSid", conversationSid);
    params.put("MessageSid", sid("IM"));
    params.put("Author", "+15551239999");
    params.put("Body", "hello");
    params.put("Source", "SMS");
    params.put("Index", "0");
    return params;
  }

  private static String sid(String prefix) {
    byte[] random = new byte[16];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + HexFormat.of().formatHex(random);
  }

  private static long count(Connection connection, String sql, String... args) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setString(i + 1, args[i]);
      }
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(String log) {
    return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
  }
}
