package io.flexorchestrator.simulator;

import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.config.SandboxDefaults;
import jakarta.annotation.PreDestroy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Sends webhooks to the app the way Twilio does: form-encoded POST, {@code X-Twilio-Signature}
 * over the configured (public) URL, {@code I-Twilio-Idempotency-Token}, {@code TwilioProxy/1.1}.
 * A URL under the public base is delivered to the local listener (public and local may differ
 * behind a proxy), or to {@code orchestrator.sim.webhook-target} when set (e.g. a load balancer in
 * front of several nodes; the signature stays over the public URL). Post-events go out
 * asynchronously, in order, on their own thread, and are redelivered with the same token after a
 * non-2xx or a timeout.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class WebhookSender {

  private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
  private static final int LOG_LIMIT = 5000;

  /** What one delivery attempt answered; status -1 = timeout or connection error. */
  record Answer(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final PublicUrl publicUrl;
  private final Signer signer = new Signer(SandboxDefaults.AUTH_TOKEN);
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  // several at once, as Twilio does: no ordering between deliveries is promised
  private final ExecutorService delivery = Executors.newFixedThreadPool(8, r -> thread(r, "sim-webhooks"));
  // one lane per conversation (8 lanes): a conversation's events leave in the order they happened,
  // different conversations' in parallel
  private final ExecutorService[] lanes = java.util.stream.IntStream.range(0, 8)
      .mapToObj(i -> Executors.newSingleThreadExecutor(r -> thread(r, "sim-webhooks-" + i)))
      .toArray(ExecutorService[]::new);
  private static final java.util.regex.Pattern CONVERSATION =
      java.util.regex.Pattern.compile("CH[0-9a-f]{32}");
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> thread(r, "sim-webhook-retries"));
  private final AtomicLong generation = new AtomicLong();
  private final Deque<Map<String, Object>> deliveries = new ArrayDeque<>();
  private final long retryDelayMs;
  private final int maxRetries;
  private final String target;

  public WebhookSender(PublicUrl publicUrl,
      @Value("${orchestrator.sim.webhook-retry-delay-ms:1000}") long retryDelayMs,
      @Value("${orchestrator.sim.webhook-max-retries:3}") int maxRetries,
      @Value("${orchestrator.sim.webhook-target:}") String target) {
    this.publicUrl = publicUrl;
    this.retryDelayMs = retryDelayMs;
    this.maxRetries = maxRetries;
    this.target = target == null || target.isBlank() ? null
        : target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
  }

  /**
   * Queues a post-event delivery. {@code paramsForAttempt} builds the parameters of attempt n
   * (0 = first), so RetryCount can change while the idempotency token stays.
   */
  void send(String url, String token, Duration timeout, IntFunction<Map<String, String>> paramsForAttempt) {
    long gen = generation.get();
    lane(paramsForAttempt.apply(0)).execute(() -> attempt(gen, url, token, timeout, paramsForAttempt, 0));
  }

  private ExecutorService lane(Map<String, String> params) {
    String key = params.get("ConversationSid");
    if (key == null && params.get("TaskAttributes") != null) {
      java.util.regex.Matcher m = CONVERSATION.matcher(params.get("TaskAttributes"));
      key = m.find() ? m.group() : params.get("TaskSid");
    }
    return key == null ? delivery : lanes[Math.floorMod(key.hashCode(), lanes.length)];
  }

  /** A synchronous delivery (pre-events: Twilio waits for the answer). */
  Answer call(String url, String token, Duration timeout, Map<String, String> params) {
    return deliver(url, token, timeout, params, 0);
  }

  /** Drops queued deliveries and pending redeliveries (reset). */
  void reset() {
    generation.incrementAndGet();
    synchronized (deliveries) {
      deliveries.clear();
    }
  }

  List<Map<String, Object>> deliveries(String eventType) {
    synchronized (deliveries) {
      return deliveries.stream()
          .filter(d -> eventType == null || eventType.equals(SimJson.map(d.get("params")).get("EventType")))
          .collect(Collectors.toCollection(ArrayList::new));
    }
  }

  private void attempt(long gen, String url, String token, Duration timeout,
      IntFunction<Map<String, String>> paramsForAttempt, int attempt) {
    if (gen != generation.get()) {
      return;
    }
    Answer answer = deliver(url, token, timeout, paramsForAttempt.apply(attempt), attempt);
    if (!answer.ok() && attempt < maxRetries && answer.status != 404) {
      long delay = retryDelayMs * (1L << attempt);
      retries.schedule(() -> delivery.execute(
          () -> attempt(gen, url, token, timeout, paramsForAttempt, attempt + 1)),
          delay, TimeUnit.MILLISECONDS);
    }
  }

  private Answer deliver(String url, String token, Duration timeout, Map<String, String> params,
      int attempt) {
    String signature = signer.sign(url, params);
    String target = localTarget(url);
    String eventType = params.get("EventType");
    Answer answer;
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create(target))
          .timeout(timeout)
          .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
          .header("X-Twilio-Signature", signature)
          .header("I-Twilio-Idempotency-Token", token)
          .header("User-Agent", "TwilioProxy/1.1")
          .header("Accept", "*/*")
          .POST(HttpRequest.BodyPublishers.ofString(encode(params)))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      answer = new Answer(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = new Answer(-1, null);
    } catch (Exception e) {
      answer = new Answer(-1, null);
    }
    if (answer.ok()) {
      log.debug("webhook {} to {} answered {}", eventType, url, answer.status);
    } else {
      log.info("webhook {} to {} (attempt {}) answered {}", eventType, url, attempt + 1,
          answer.status < 0 ? "timeout/error" : answer.status);
    }
    record(url, token, params, attempt, answer, signature);
    return answer;
  }

  private void record(String url, String token, Map<String, String> params, int attempt,
      Answer answer, String signature) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("url", url);
    entry.put("params", new LinkedHashMap<>(params));
    entry.put("idempotencyToken", token);
    entry.put("signature", signature);
    entry.put("attempt", attempt);
    entry.put("status", answer.status);
    entry.put("at", Instant.now().toString());
    synchronized (deliveries) {
      deliveries.addLast(entry);
      while (deliveries.size() > LOG_LIMIT) {
        deliveries.removeFirst();
      }
    }
  }

  /** The configured URL, with its public base swapped for the local listener (or the target). */
  String localTarget(String url) {
    String base = publicUrl.base();
    if (url.startsWith(base + "/") || url.equals(base)) {
      return (target != null ? target : publicUrl.local()) + url.substring(base.length());
    }
    return url;
  }

  static String encode(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  @PreDestroy
  void stop() {
    retries.shutdownNow();
    delivery.shutdownNow();
    for (ExecutorService lane : lanes) {
      lane.shutdownNow();
    }
  }

  private static Thread thread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
