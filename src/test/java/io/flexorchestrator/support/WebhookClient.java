package io.flexorchestrator.support;

import io.flexorchestrator.config.SandboxDefaults;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** Posts webhooks to the app as Twilio would: form-encoded and signed over the public URL. */
public class WebhookClient {

  // HTTP/1.1: the default h2c upgrade attempt on every plain-http request costs a round trip
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String localBase;
  private final String publicBase;

  public WebhookClient(int port) {
    this(port, "http://localhost:" + port);
  }

  public WebhookClient(int port, String publicBase) {
    this.localBase = "http://localhost:" + port;
    this.publicBase = publicBase;
  }

  public HttpResponse<String> post(String path, Map<String, String> params) {
    return post(path, params, TwilioSignatures.sign(SandboxDefaults.AUTH_TOKEN, publicBase + path, params), null);
  }

  public HttpResponse<String> post(String path, Map<String, String> params, String signature,
      String idempotencyToken) {
    return postRaw(path, form(params), signature, idempotencyToken);
  }

  public HttpResponse<String> postRaw(String path, String body, String signature, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + path))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Twilio-Signature", signature);
    }
    if (token != null) {
      request.header("I-Twilio-Idempotency-Token", token);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public String sign(String path, Map<String, String> params) {
    return TwilioSignatures.sign(SandboxDefaults.AUTH_TOKEN, publicBase + path, params);
  }

  public static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
