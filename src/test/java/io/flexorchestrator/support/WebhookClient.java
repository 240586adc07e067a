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
    return send(path, "application/x-www-form-urlencoded", body, signature, token);
  }

  /**
   * Posts a JSON body as Twilio signs one: its SHA-256 (hex) in the {@code bodySHA256} query
   * parameter, the signature over the URL with that query and no parameters. {@code signedBody}
   * is the body the hash and signature are made for (a different one = a forgery).
   */
  public HttpResponse<String> postJson(String path, String body, String signedBody) {
    String pathAndQuery = path + "?bodySHA256=" + sha256Hex(signedBody);
    return send(pathAndQuery, "application/json", body,
        TwilioSignatures.sign(SandboxDefaults.AUTH_TOKEN, publicBase + pathAndQuery, Map.of()), null);
  }

  private static String sha256Hex(String body) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> send(String pathAndQuery, String contentType, String body,
      String signature, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(localBase + pathAndQuery))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", contentType)
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
