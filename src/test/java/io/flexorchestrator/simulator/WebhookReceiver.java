package io.flexorchestrator.simulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A tiny HTTP server standing in for the app's webhook endpoints in simulator tests. */
final class WebhookReceiver implements AutoCloseable {

  record Received(String path, Map<String, String> headers, Map<String, String> params) {}

  record Reply(int status, String body) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
      Map<String, String> params = new LinkedHashMap<>();
      FormParser.parse(body).forEach((k, v) -> params.put(k, v.get(0)));
      String path = exchange.getRequestURI().getPath();
      received.add(new Received(path, headers, params));
      Reply reply = replies.getOrDefault(path, new Reply(200, ""));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = exchange.getResponseBody()) {
          os.write(out);
        }
      }
      exchange.close();
    });
    server.start();
  }

  String url(String path) {
    return "http://localhost:" + server.getAddress().getPort() + path;
  }

  void reply(String path, int status, String body) {
    replies.put(path, new Reply(status, body));
  }

  List<Received> all() {
    return new ArrayList<>(received);
  }

  List<Received> events(String path, String eventType) {
    return received.stream().filter(r -> r.path().equals(path)
        && (eventType == null || eventType.equals(r.params().get("EventType")))).toList();
  }

  void clear() {
    received.clear();
    replies.clear();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
