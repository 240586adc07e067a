package io.flexorchestrator.simulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.twilio.BaseUrlRewritingHttpClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** HTTP helpers for the simulator's integration tests. */
final class SimTestSupport {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String AUTH = "Basic " + Base64.getEncoder().encodeToString(
      (SandboxDefaults.ACCOUNT_SID + ":" + SandboxDefaults.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));

  record Answer(int status, String body) {
    Map<String, Object> json() {
      try {
        return JSON.readValue(body, new TypeReference<Map<String, Object>>() {});
      } catch (Exception e) {
        throw new AssertionError("not a JSON object: " + body, e);
      }
    }

    List<Map<String, Object>> jsonList() {
      try {
        return JSON.readValue(body, new TypeReference<List<Map<String, Object>>>() {});
      } catch (Exception e) {
        throw new AssertionError("not a JSON array: " + body, e);
      }
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;

  SimTestSupport(int port) {
    this.base = "http://localhost:" + port;
  }

  TwilioRestClient twilio() {
    return new TwilioRestClient.Builder(SandboxDefaults.ACCOUNT_SID, SandboxDefaults.AUTH_TOKEN)
        .httpClient(new BaseUrlRewritingHttpClient(new NetworkHttpClient(
            org.apache.hc.client5.http.impl.classic.HttpClientBuilder.create().disableAutomaticRetries()),
            () -> base + "/sim"))
        .build();
  }

  Answer form(String method, String path, Map<String, String> params) {
    return form(method, path, params, AUTH);
  }

  Answer form(String method, String path, Map<String, String> params, String auth) {
    String body = params.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    if (method.equals("GET") || method.equals("DELETE")) {
      String sep = path.contains("?") ? "&" : "?";
      b = HttpRequest.newBuilder(URI.create(base + path + (body.isEmpty() ? "" : sep + body)));
      if (auth != null) {
        b.header("Authorization", auth);
      }
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/x-www-form-urlencoded");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return send(b.build());
  }

  Answer control(String method, String path, Object body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/sim/control" + path))
          .header("Content-Type", "application/json");
      b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body)));
      return send(b.build());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
