package io.flexorchestrator.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator over loopback. Requests go out on a fixed schedule whatever the
 * answers do, and each latency is measured from the request's <em>scheduled</em> start, so a stall
 * shows up in the percentiles instead of silently lowering the rate (no coordinated omission).
 *
 * <p>It is deliberately lean, because on a 2-core machine its own cost lands in what it measures:
 * requests are encoded to bytes once, sent over persistent HTTP/1.1 keep-alive connections, one
 * blocking thread per connection, and a new connection is opened only when every open one is busy
 * (as Twilio's many senders would). The JDK's HttpClient, used before, allocated and context-switched
 * enough to put tens of milliseconds into the p99 that the server never saw.
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

  private static final int MAX_CONNECTIONS = 512;

  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private final URI uri;
  private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(MAX_CONNECTIONS);
  private final List<Connection> all = new ArrayList<>();

  public LoadGenerator(String url) {
    this.uri = URI.create(url);
  }

  public Result run(String name, int rps, int seconds, List<Prepared> mix) throws InterruptedException {
    int total = rps * seconds;
    long period = 1_000_000_000L / rps;
    byte[][] requests = mix.stream().map(this::encode).toArray(byte[][]::new);
    Run run = new Run(total);
    double loadBefore = loadAverage();
    long start = System.nanoTime() + 20_000_000L;
    for (int i = 0; i < total; i++) {
      long scheduled = start + i * period;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      connection().submit(new Job(run, i, scheduled, requests[i % requests.length]));
    }
    if (!run.done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": " + run.done.getCount() + " requests never completed");
    }
    long[] sorted = run.latency.clone();
    Arrays.sort(sorted);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int s : run.status) {
      statuses.merge(s, 1, Integer::sum);
    }
    int failed = run.failed.get();
    double elapsed = (run.lastDone - start) / 1e9;
    return new Result(name, rps, seconds, total, total - failed, failed, (total - failed) / elapsed,
        ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.90)), ms(percentile(sorted, 0.99)),
        ms(sorted[sorted.length - 1]), statuses, loadBefore, loadAverage());
  }

  private Connection connection() throws InterruptedException {
    Connection c = idle.poll();
    if (c != null) {
      return c;
    }
    if (all.size() < MAX_CONNECTIONS) {
      c = new Connection();
      all.add(c);
      return c;
    }
    return idle.take();
  }

  private byte[] encode(Prepared p) {
    byte[] body = p.body().getBytes(StandardCharsets.UTF_8);
    String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String head = "POST " + path + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\n"
        + "X-Twilio-Signature: " + p.signature() + "\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] request = Arrays.copyOf(headBytes, headBytes.length + body.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
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
    all.forEach(Connection::stop);
  }

  private static final class Run {
    final long[] latency;
    final int[] status;
    final AtomicInteger failed = new AtomicInteger();
    final CountDownLatch done;
    volatile long lastDone;

    Run(int total) {
      latency = new long[total];
      status = new int[total];
      done = new CountDownLatch(total);
    }

    synchronized void complete(int index, long scheduled, int statusCode) {
      long now = System.nanoTime();
      latency[index] = now - scheduled;
      status[index] = statusCode;
      if (statusCode < 0) {
        failed.incrementAndGet();
      }
      lastDone = Math.max(lastDone, now);
      done.countDown();
    }
  }

  private record Job(Run run, int index, long scheduled, byte[] request) {}

  /** One keep-alive connection and the thread that sends on it and reads its answers. */
  private final class Connection implements Runnable {
    private final SynchronousQueue<Job> handoff = new SynchronousQueue<>();
    private final Thread thread = new Thread(this, "loadgen-conn");
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    Connection() {
      thread.setDaemon(true);
      thread.start();
    }

    void submit(Job job) throws InterruptedException {
      handoff.put(job);
    }

    void stop() {
      thread.interrupt();
      closeSocket();
    }

    @Override
    public void run() {
      try {
        while (true) {
          Job job = handoff.take();
          int status;
          try {
            status = exchange(job.request());
          } catch (IOException e) {
            closeSocket();
            status = -1;
          }
          job.run().complete(job.index(), job.scheduled(), status);
          idle.put(this);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private int exchange(byte[] request) throws IOException {
      if (socket == null) {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 8192);
      }
      out.write(request);
      out.flush();
      String statusLine = line();
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
          skip(size);
          line();
        }
        line();
      } else if (length > 0) {
        skip(length);
      }
      if (close) {
        closeSocket();
      }
      return status;
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    private void skip(long n) throws IOException {
      while (n > 0) {
        long skipped = in.skip(n);
        if (skipped <= 0) {
          if (in.read() < 0) {
            throw new IOException("connection closed");
          }
          skipped = 1;
        }
        n -= skipped;
      }
    }

    private void closeSocket() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a broken connection
        }
        socket = null;
      }
    }
  }
}
