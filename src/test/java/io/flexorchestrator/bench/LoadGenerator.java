package io.flexorchestrator.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator over loopback (Java 17: the JDK's async HttpClient on a small fixed
 * pool, no virtual threads). Requests go out on a fixed schedule whatever the answers do, and each
 * latency is measured from the request's <em>scheduled</em> start, so a stall shows up in the
 * percentiles instead of silently lowering the rate (no coordinated omission).
 */
public final class LoadGenerator implements AutoCloseable {

  /** One prepared request: a form body and its Twilio signature. */
  public record Prepared(String body, String signature) {}

  /** What one run measured. */
  public record Result(String name, int targetRps, int seconds, int sent, int completed, int failed,
      double achievedRps, double p50Ms, double p90Ms, double p99Ms, double maxMs,
      Map<Integer, Integer> statuses, double loadBefore, double loadAfter) {

    public String row() {
      return String.format(Locale.ROOT,
          "| %s | %d | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d | %s | %.1f → %.1f |",
          name, targetRps, seconds, completed, achievedRps, p50Ms, p90Ms, p99Ms, maxMs, failed, statuses,
          loadBefore, loadAfter);
    }
  }

  public static final String HEADER =
      "| run | target rps | seconds | requests | achieved rps | p50 ms | p90 ms | p99 ms | max ms | errors | statuses | load avg |\n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|";

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "loadgen-http");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .executor(executor)
      .build();
  private final URI uri;

  public LoadGenerator(String url) {
    this.uri = URI.create(url);
  }

  public Result run(String name, int rps, int seconds, List<Prepared> mix) throws InterruptedException {
    int total = rps * seconds;
    long period = 1_000_000_000L / rps;
    long[] latency = new long[total];
    int[] status = new int[total];
    AtomicInteger failed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(total);
    long[] lastDone = new long[1];
    double loadBefore = loadAverage();
    long start = System.nanoTime() + 20_000_000L;
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * period;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Prepared p = mix.get(i % mix.size());
      HttpRequest request = HttpRequest.newBuilder(uri)
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .header("X-Twilio-Signature", p.signature())
          .POST(HttpRequest.BodyPublishers.ofString(p.body()))
          .build();
      int index = i;
      http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
        long now = System.nanoTime();
        latency[index] = now - scheduled;
        if (error != null) {
          failed.incrementAndGet();
          status[index] = -1;
        } else {
          status[index] = response.statusCode();
        }
        synchronized (lastDone) {
          lastDone[0] = Math.max(lastDone[0], now);
        }
        done.countDown();
      });
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": " + done.getCount() + " requests never completed");
    }
    long[] sorted = latency.clone();
    Arrays.sort(sorted);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int s : status) {
      statuses.merge(s, 1, Integer::sum);
    }
    double elapsed = (lastDone[0] - start) / 1e9;
    return new Result(name, rps, seconds, total, total - failed.get(), failed.get(),
        (total - failed.get()) / elapsed, ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)), ms(sorted[sorted.length - 1]), statuses, loadBefore,
        loadAverage());
  }

  static long percentile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
