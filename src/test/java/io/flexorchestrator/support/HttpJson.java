package io.flexorchestrator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** JSON over real HTTP to the app: the simulator's control endpoints and the operations API. */
public class HttpJson {

  public record Reply(int status, String body, JsonNode json) {}

  private static final ObjectMapper MAPPER = new ObjectMapper();
  // HTTP/1.1: the default h2c upgrade attempt on every plain-http request costs a round trip
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String authorization;

  public HttpJson(int port) {
    this(port, null, null);
  }

  public HttpJson(int port, String user, String password) {
    this.base = "http://localhost:" + port;
    this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  public Reply post(String path, Object body) {
    return send("POST", path, body);
  }

  public Reply put(String path, Object body) {
    return send("PUT", path, body);
  }

  public Reply send(String method, String path, Object body) {
    try {
      String json = body == null ? "" : body instanceof String s ? s : MAPPER.writeValueAsString(body);
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
          .timeout(Duration.ofSeconds(30))
          .header("Accept", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(json));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode parsed = null;
      try {
        parsed = response.body() == null || response.body().isBlank() ? null : MAPPER.readTree(response.body());
      } catch (Exception notJson) {
        // left null: the test sees the raw body
      }
      return new Reply(response.statusCode(), response.body(), parsed);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }
}
