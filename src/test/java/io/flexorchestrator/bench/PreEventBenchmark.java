package io.flexorchestrator.bench;

import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.support.TwilioSignatures;
import io.flexorchestrator.support.WebhookClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.flexorchestrator.policy.PolicyChain;
import io.flexorchestrator.policy.PreEventParser;
import io.flexorchestrator.webhook.WebhookRequest;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Load on {@code POST /webhooks/conversations/pre-event} with every rule on (sender and content
 * blocklists, card and SSN masking, attachments), over loopback, at 200 and 1000 requests/s.
 * Not a timed test: it prints a table and writes it to {@code target/benchmarks/pre-event.md}.
 * Run with {@code mvn -B verify -Pbench -Dit.test=PreEventBenchmark}; duration and rates via
 * {@code -Dbench.seconds=30 -Dbench.rates=200,1000 -Dbench.warmup-seconds=15}. With
 * {@code -Dbench.target=http://localhost:8090} the load goes to an app started separately (its own
 * JVM, same blocklist settings, see docs/benchmarks.md), so the generator does not share its JVM.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "orchestrator.policy.sender-blocklist.senders=+15559990001,troll-42",
    "orchestrator.policy.content-blocklist.words=scam,fraudster",
    "orchestrator.policy.content-blocklist.patterns=free\\s+bitcoin"})
@ActiveProfiles("it")
class PreEventBenchmark {

  static final String PATH = "/webhooks/conversations/pre-event";

  @LocalServerPort
  int port;

  @Autowired PolicyChain chain;
  @Autowired PreEventParser parser;

  @Test
  void preEventLatencyAndThroughput() throws Exception {
    int seconds = Integer.getInteger("bench.seconds", 20);
    int warmup = Integer.getInteger("bench.warmup-seconds", 10);
    String[] rates = System.getProperty("bench.rates", "200,1000").split(",");
    String target = System.getProperty("bench.target", "http://localhost:" + port);
    List<LoadGenerator.Prepared> mix = mix(target);
    List<LoadGenerator.Result> results = new ArrayList<>();
    try (LoadGenerator load = new LoadGenerator(target + PATH)) {
      load.run("warm-up", 500, warmup, mix);
      for (String rate : rates) {
        int rps = Integer.parseInt(rate.trim());
        results.add(load.run("all rules", rps, seconds, mix));
      }
    }
    StringBuilder table = new StringBuilder(LoadGenerator.HEADER).append('\n');
    results.forEach(r -> table.append(r.row()).append('\n'));
    table.append('\n').append(rulesOnly());
    String report = "Pre-event benchmark (" + Runtime.getRuntime().availableProcessors()
        + " CPUs, Java " + System.getProperty("java.version") + ", mix of " + mix.size()
        + " requests: 70% clean text, 10% card number, 10% chat with image, 5% .exe, 5% blocked sender;"
        + " app at " + target + (System.getProperty("bench.target") == null ? ", in the generator's JVM"
        : ", its own JVM") + ")\n\n"
        + table;
    BenchReport.publish("pre-event", report);
  }

  /**
   * The policy alone (parsing + the chain), in process, without HTTP: how much of the latency is
   * ours. 200,000 evaluations over the same mix after a warm-up.
   */
  String rulesOnly() {
    List<Map<String, String>> events = events();
    int n = 200_000;
    long[] nanos = new long[n];
    for (int i = 0; i < 50_000; i++) {
      evaluate(events.get(i % events.size()));
    }
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      evaluate(events.get(i % events.size()));
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    return String.format(Locale.ROOT, "Policy alone (parse + chain, in process, %d evaluations):"
        + " p50 %.1f µs, p99 %.1f µs, max %.1f µs%n", n,
        LoadGenerator.percentile(nanos, 0.5) / 1e3, LoadGenerator.percentile(nanos, 0.99) / 1e3,
        nanos[n - 1] / 1e3);
  }

  private void evaluate(Map<String, String> params) {
    chain.evaluate(parser.message(new WebhookRequest(PATH, null, params, "", false, "x", null, null)));
  }

  /** 20 requests in the proportions of the report, each signed once (Twilio signs each). */
  List<LoadGenerator.Prepared> mix(String target) {
    List<LoadGenerator.Prepared> prepared = new ArrayList<>();
    for (Map<String, String> p : events()) {
      prepared.add(new LoadGenerator.Prepared(WebhookClient.form(p),
          TwilioSignatures.sign(SandboxDefaults.AUTH_TOKEN, target + PATH, p)));
    }
    return prepared;
  }

  static List<Map<String, String>> events() {
    List<Map<String, String>> events = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      events.add(message("SMS", "+1555123" + String.format("%04d", i),
          "Hi, I ordered a blue jacket last week (order " + (10_000 + i) + ") and it has not"
              + " arrived yet. Could you check where it is? Thanks!", null));
    }
    events.add(message("SMS", "+15551230100", "my card is 4111 1111 1111 1111, exp 12/27", null));
    events.add(message("WHATSAPP", "whatsapp:+15551230101",
        "card 5500-0000-0000-0004 and ssn 123-45-6789", null));
    events.add(message("SDK", "jane-7f3a", "here is the photo",
        "[{\"Sid\":\"ME1\",\"Filename\":\"photo.png\",\"ContentType\":\"image/png\",\"Size\":240000,"
            + "\"Category\":\"media\"}]"));
    events.add(message("SDK", "john-19c2", "the receipt",
        "[{\"Sid\":\"ME2\",\"Filename\":\"receipt.pdf\",\"ContentType\":\"application/pdf\","
            + "\"Size\":80000,\"Category\":\"media\"}]"));
    events.add(message("SDK", "mallory-00", "open this",
        "[{\"Sid\":\"ME3\",\"Filename\":\"setup.exe\",\"ContentType\":\"application/octet-stream\","
            + "\"Size\":500000,\"Category\":\"media\"}]"));
    events.add(message("SMS", "+15559990001", "hello again", null));
    return events;
  }

  static Map<String, String> message(String source, String author, String body, String media) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccountSid", SandboxDefaults.ACCOUNT_SID);
    p.put("ChatServiceSid", SandboxDefaults.CHAT_SERVICE_SID);
    p.put("ConversationSid", "CH0000000000000000000000000000c" + String.format("%03d",
        Math.abs(author.hashCode()) % 1000));
    p.put("EventType", "onMessageAdd");
    p.put("Source", source);
    p.put("Author", author);
    p.put("Body", body);
    p.put("Attributes", "{}");
    p.put("RetryCount", "0");
    p.put("WebhookSid", "WH00000000000000000000000000000001");
    p.put("WebhookType", "webhook");
    if (media != null) {
      p.put("Media", media);
    }
    return p;
  }
}
