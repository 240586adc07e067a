package io.flexorchestrator.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds what one client can hold of the server. At most {@code max-requests-per-client} requests
 * of one client address are in progress at once (beyond: 429 with {@code Retry-After}, and the
 * connection is closed, so its body is not read), so slow clients from one address can never take
 * every worker thread from health checks and Twilio's webhooks. And a request body must arrive
 * within {@code body-read-timeout} as a whole: a read after that fails with {@link
 * BodyReadTimeoutException} (408), while {@code server.tomcat.connection-timeout} bounds the wait
 * for each piece. Against many slow addresses the proxy in front buffers bodies (docker/nginx.conf).
 */
public class ClientRequestLimit extends OncePerRequestFilter {

  /** The request body did not arrive within the body read timeout. */
  public static class BodyReadTimeoutException extends IOException {
    public BodyReadTimeoutException(Duration timeout) {
      super("request body not received within " + timeout.toSeconds() + " s");
    }
  }

  private final int maxPerClient;
  private final Duration bodyTimeout;
  private final ObjectMapper mapper;
  private final Map<String, Integer> inProgress = new ConcurrentHashMap<>();

  public ClientRequestLimit(SecurityProperties properties, ObjectMapper mapper) {
    this.maxPerClient = properties.maxRequestsPerClient();
    this.bodyTimeout = properties.bodyReadTimeout();
    this.mapper = mapper;
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return true;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String client = request.getRemoteAddr() == null ? "unknown" : request.getRemoteAddr();
    AtomicBoolean admitted = new AtomicBoolean();
    inProgress.compute(client, (k, n) -> {
      int current = n == null ? 0 : n;
      if (maxPerClient > 0 && current >= maxPerClient) {
        return n;
      }
      admitted.set(true);
      return current + 1;
    });
    if (!admitted.get()) {
      response.setStatus(429);
      response.setHeader("Retry-After", "1");
      response.setHeader("Connection", "close");
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      mapper.writeValue(response.getOutputStream(),
          Map.of("error", "too many requests of this client in progress"));
      return;
    }
    try {
      boolean body = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
      chain.doFilter(body && !bodyTimeout.isZero() ? new Deadline(request, bodyTimeout) : request, response);
    } finally {
      inProgress.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Number of clients with a request in progress (for tests and diagnostics). */
  public int clientsInProgress() {
    return inProgress.size();
  }

  private static final class Deadline extends HttpServletRequestWrapper {
    private final long deadline;
    private final Duration timeout;
    private ServletInputStream stream;

    Deadline(HttpServletRequest request, Duration timeout) {
      super(request);
      this.timeout = timeout;
      this.deadline = System.nanoTime() + timeout.toNanos();
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new DeadlineStream(super.getInputStream());
      }
      return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    private final class DeadlineStream extends ServletInputStream {
      private final ServletInputStream in;

      DeadlineStream(ServletInputStream in) {
        this.in = in;
      }

      private void check() throws IOException {
        if (System.nanoTime() - deadline > 0) {
          throw new BodyReadTimeoutException(timeout);
        }
      }

      @Override
      public int read() throws IOException {
        check();
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        check();
        return in.read(b, off, len);
      }

      @Override
      public boolean isFinished() {
        return in.isFinished();
      }

      @Override
      public boolean isReady() {
        return in.isReady();
      }

      @Override
      public void setReadListener(ReadListener listener) {
        in.setReadListener(listener);
      }

      @Override
      public int available() throws IOException {
        return in.available();
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    }
  }
}
