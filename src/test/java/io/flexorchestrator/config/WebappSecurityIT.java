package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.SandboxIT;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The Camunda web apps keep their own CSRF protection and security headers (our security config
 * leaves /camunda to them): a state-changing call without the CSRF token is refused.
 */
class WebappSecurityIT extends SandboxIT {

  private final CookieManager cookies = new CookieManager();
  private final HttpClient http = HttpClient.newBuilder().cookieHandler(cookies)
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://localhost:" + port + path);
  }

  private HttpResponse<String> login(String csrfToken) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri("/camunda/api/admin/auth/user/default/login/cockpit"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=demo&password=demo"));
    if (csrfToken != null) {
      request.header("X-XSRF-TOKEN", csrfToken);
    }
    return send(request);
  }

  @Test
  void webAppPagesCarryTheSecurityHeaders() throws Exception {
    HttpResponse<String> page = send(HttpRequest.newBuilder(uri("/camunda/app/cockpit/default/")).GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-XSS-Protection")).hasValueSatisfying(
        value -> assertThat(value).startsWith("1"));
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        value -> assertThat(value).contains("default-src"));
  }

  @Test
  void aStateChangingCallWithoutTheCsrfTokenIsRefused() throws Exception {
    send(HttpRequest.newBuilder(uri("/camunda/app/cockpit/default/")).GET());
    assertThat(cookies.getCookieStore().getCookies()).as("the page hands out a CSRF token")
        .anyMatch(c -> c.getName().equals("XSRF-TOKEN") && !c.getValue().isBlank());

    HttpResponse<String> withoutToken = login(null);
    assertThat(withoutToken.statusCode()).isEqualTo(403);
    assertThat(withoutToken.headers().firstValue("X-XSRF-TOKEN")).hasValue("Required");
    HttpResponse<String> wrongToken = login("0123456789ABCDEF0123456789ABCDEF");
    assertThat(wrongToken.statusCode()).isEqualTo(403);

    assertThat(new CockpitSession(port).login("demo", "demo")).as("the same login with the token")
        .isEqualTo(200);
  }
}
