package io.flexorchestrator.support;

import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A browser's session with the Camunda web apps: the CSRF cookie from a first page, the form
 * login of Cockpit, then the session cookie on every request.
 */
public class CockpitSession {

  private final String base;
  private final CookieManager cookies = new CookieManager();
  private final HttpClient http;

  public CockpitSession(int port) {
    this.base = "http://localhost:" + port;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** Logs in to Cockpit; returns the login's HTTP status (200 when the account is accepted). */
  public int login(String user, String password) {
    return login(user, password, "cockpit").statusCode();
  }

  /**
   * Logs in to one web app ({@code cockpit}, {@code admin}, {@code tasklist}, {@code welcome});
   * the answer lists the user's {@code authorizedApps} (403 when the user may not use that app).
   */
  public HttpResponse<String> login(String user, String password, String app) {
    get("/camunda/app/" + ("welcome".equals(app) ? "welcome" : app) + "/default/");
    String form = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create(base + "/camunda/api/admin/auth/user/default/login/" + app))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    String csrf = csrfToken();
    if (csrf != null) {
      request.header("X-XSRF-TOKEN", csrf);
    }
    return send(request);
  }

  /** A state-changing call of the web apps' API, with the session's CSRF token. */
  public HttpResponse<String> send(String method, String path, String json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    String csrf = csrfToken();
    if (csrf != null) {
      request.header("X-XSRF-TOKEN", csrf);
    }
    return send(request);
  }

  /** The session cookie's value, or null before the first page. */
  public String sessionId() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("JSESSIONID")).map(HttpCookie::getValue)
        .findFirst().orElse(null);
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Accept", "application/json, text/javascript, */*").GET());
  }

  private String csrfToken() {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals("XSRF-TOKEN")).map(HttpCookie::getValue)
        .findFirst().orElse(null);
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("request to the web apps failed", e);
    }
  }
}
