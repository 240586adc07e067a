package io.flexorchestrator.support;

import io.flexorchestrator.config.SandboxDefaults;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** The packaged app in its own JVM, so that a test can kill it the hard way and start it again. */
public class ChildApp {

  private final Path workDir;
  private final Map<String, String> env;
  private final List<String> args;
  private final int port;
  private Process process;

  public ChildApp(Path workDir, int port, Map<String, String> env, List<String> args) {
    this.workDir = workDir;
    this.port = port;
    this.env = env;
    this.args = args;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The boot jar `mvn package` built before the integration tests. */
  public static Path jar() {
    File[] jars = new File("target").listFiles((dir, name) ->
        name.startsWith("flex-orchestrator-") && name.endsWith(".jar") && !name.endsWith("-plain.jar"));
    if (jars == null || jars.length == 0) {
      throw new IllegalStateException("no packaged jar in target/: run through `mvn verify`");
    }
    return jars[0].toPath().toAbsolutePath();
  }

  /** A customer-identity key real mode accepts (a secret of at least 32 characters). */
  public static final String CUSTOMER_IDENTITY_KEY = "child-app-test-key-0123456789abcdef0123456789";

  /**
   * A child app in real mode (credentials set) whose Twilio is the simulator of the test's own app
   * on {@code simPort}, with its own H2 file database under {@code dir} (a bare file URL: the app
   * adds what makes it durable). The operator password must pass Camunda's password policy.
   */
  public static Map<String, String> realModeAgainstSimulator(int simPort, String publicUrl, Path dir,
      String operatorPassword) {
    return Map.ofEntries(
        Map.entry("TWILIO_ACCOUNT_SID", SandboxDefaults.ACCOUNT_SID),
        Map.entry("TWILIO_AUTH_TOKEN", SandboxDefaults.AUTH_TOKEN),
        Map.entry("TWILIO_API_BASE_URL", "http://localhost:" + simPort + "/sim"),
        Map.entry("FLEX_WORKSPACE_SID", SandboxDefaults.WORKSPACE_SID),
        Map.entry("FLEX_WORKFLOW_SID", SandboxDefaults.WORKFLOW_SID),
        Map.entry("FLEX_CHAT_SERVICE_SID", SandboxDefaults.CHAT_SERVICE_SID),
        Map.entry("ORCHESTRATOR_PUBLIC_URL", publicUrl),
        Map.entry("CAMUNDA_BPM_ADMINUSER_ID", "operator"),
        Map.entry("CAMUNDA_BPM_ADMINUSER_PASSWORD", operatorPassword),
        Map.entry("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", CUSTOMER_IDENTITY_KEY),
        Map.entry("SPRING_DATASOURCE_URL", "jdbc:h2:file:" + dir.resolve("db/orchestrator").toAbsolutePath()));
  }

  public int port() {
    return port;
  }

  public void start() throws IOException {
    process = process();
    HttpJson probe = new HttpJson(port);
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("the app exited: " + tail());
      }
      try {
        return probe.get("/actuator/health/liveness").status() == 200;
      } catch (RuntimeException notYet) {
        return false;
      }
    });
  }

  private Process process() throws IOException {
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-jar", jar().toString(), "--server.port=" + port));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("app.log").toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }

  /**
   * Starts the app expecting it to refuse: waits for it to exit and returns its exit code; its
   * log is {@link #tail()}.
   */
  public int startExpectingRefusal() throws IOException, InterruptedException {
    process = process();
    if (!process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("the app did not exit: " + tail());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no graceful anything. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM: the graceful way. */
  public int stop() throws InterruptedException {
    process.destroy();
    return process.waitFor();
  }

  /** Everything the app wrote to its log in this work directory. */
  public String log() {
    try {
      return Files.readString(workDir.resolve("app.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(workDir.resolve("app.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
