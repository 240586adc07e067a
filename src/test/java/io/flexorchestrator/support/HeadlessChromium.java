package io.flexorchestrator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real browser for the Cockpit plugin tests: headless Chromium (Debian's {@code chromium}
 * package, or {@code CHROMIUM=/path}) with a fresh profile and no network of its own, driven over
 * the Chrome DevTools Protocol through a {@link java.net.http.WebSocket}, so no driver and no
 * further dependency. Enough for a user's steps: open a page, type, choose a file, click, wait,
 * read and take a screenshot.
 */
public final class HeadlessChromium implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** The Chromium binary, when installed. */
  public static Optional<Path> binary() {
    String configured = System.getenv("CHROMIUM");
    return Stream.of(configured, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
        .filter(p -> p != null && !p.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst();
  }

  public static HeadlessChromium start(int width, int height) throws IOException, InterruptedException {
    Path binary = binary().orElseThrow(() -> new IllegalStateException(
        "Chromium not found: apt-get install -y chromium (or set CHROMIUM)"));
    Path profile = Files.createTempDirectory("chromium-it");
    Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank")
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
    try {
      return new HeadlessChromium(process, profile);
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private HeadlessChromium(Process process, Path profile) throws IOException, InterruptedException {
    this.process = process;
    this.profile = profile;
    Path portFile = profile.resolve("DevToolsActivePort");
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (Instant.now().isAfter(deadline) || !process.isAlive()) {
        throw new IOException("Chromium did not start: " + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    String port = Files.readAllLines(portFile).get(0).trim();
    HttpClient http = HttpClient.newHttpClient();
    String page = null;
    HttpResponse<String> targets = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : JSON.readTree(targets.body())) {
      if ("page".equals(target.path("type").asText())) {
        page = target.get("webSocketDebuggerUrl").asText();
      }
    }
    if (page == null) {
      throw new IOException("no page target: " + targets.body());
    }
    this.socket = http.newWebSocketBuilder().connectTimeout(TIMEOUT)
        .buildAsync(URI.create(page), new Listener()).join();
    send("Page.enable", Map.of());
    send("Runtime.enable", Map.of());
  }

  /** A DevTools command and its result. */
  public JsonNode send(String method, Map<String, Object> params) {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
    message.set("params", JSON.valueToTree(params));
    socket.sendText(message.toString(), true).join();
    try {
      JsonNode reply = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (reply.has("error")) {
        throw new IllegalStateException(method + ": " + reply.get("error"));
      }
      return reply.path("result");
    } catch (Exception e) {
      throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(method + " failed", e);
    } finally {
      pending.remove(id);
    }
  }

  public void open(String url) {
    send("Page.navigate", Map.of("url", url));
  }

  /** The value of a JavaScript expression in the page (promises awaited). */
  public JsonNode eval(String expression) {
    JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
        "awaitPromise", true));
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /** Waits until a JavaScript expression is true in the page. */
  public void waitFor(String condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      try {
        if (eval("Boolean(" + condition + ")").asBoolean()) {
          return;
        }
      } catch (IllegalStateException reloading) {
        // the page is navigating: try again
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("timed out waiting for " + condition + " on "
            + eval("location.href").asText() + ":\n" + eval("document.body ? document.body.innerText : ''").asText());
      }
      Thread.sleep(200);
    }
  }

  /** Types into an input as a user would (value, then input and change events). */
  public void type(String selector, String text) {
    eval("(() => { const e = document.querySelector(" + quote(selector) + "); e.focus(); e.value = "
        + quote(text) + "; e.dispatchEvent(new Event('input', {bubbles: true}));"
        + " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
  }

  public void click(String selector) {
    eval("document.querySelector(" + quote(selector) + ").click()");
  }

  /** Chooses a file in a file input, as the file dialog would. */
  public void chooseFile(String selector, Path file) {
    int root = send("DOM.getDocument", Map.of()).path("root").path("nodeId").asInt();
    int input = send("DOM.querySelector", Map.of("nodeId", root, "selector", selector)).path("nodeId").asInt();
    send("DOM.setFileInputFiles", Map.of("nodeId", input, "files", List.of(file.toAbsolutePath().toString())));
  }

  public byte[] screenshot() {
    return Base64.getDecoder().decode(send("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
  }

  @Override
  public void close() throws IOException {
    try {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    } finally {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Collects the frames of each message and completes the command it answers. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder message = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      message.append(data);
      if (last) {
        try {
          JsonNode json = JSON.readTree(message.toString());
          CompletableFuture<JsonNode> answer = json.has("id") ? pending.get(json.get("id").asInt()) : null;
          if (answer != null) {
            answer.complete(json);
          }
        } catch (IOException e) {
          // not JSON: ignored
        } finally {
          message.setLength(0);
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
