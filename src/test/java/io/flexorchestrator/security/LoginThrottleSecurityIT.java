package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.RawHttp;
import io.flexorchestrator.support.SandboxIT;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strangers cannot lock the operator out: wrong passwords are throttled per client address before
 * any password check (429 with Retry-After), no user is ever locked, so the operator's right
 * password from another address always gets in; and a public endpoint never checks a password.
 * Each test is its own client address on loopback (127.0.0.x), so the throttle it builds up does
 * not touch the other tests' requests from 127.0.0.1.
 */
class LoginThrottleSecurityIT extends SandboxIT {

  private static final String STRANGER = "127.0.0.2";

  private Map<Integer, Integer> wrongPasswords(String address, String path, int times) throws Exception {
    Map<Integer, Integer> statuses = new HashMap<>();
    for (int i = 0; i < times; i++) {
      RawHttp.Response reply = RawHttp.send(address, port, "GET", path,
          Map.of("Authorization", RawHttp.basic("demo", "guess-" + i)), null);
      statuses.merge(reply.status(), 1, Integer::sum);
      if (reply.status() == 429) {
        assertThat(Long.parseLong(reply.header("Retry-After"))).isPositive();
        assertThat(reply.body()).contains("too many failed logins");
      }
    }
    return statuses;
  }

  @Test
  void fiftyWrongPasswordsFromOneAddressDoNotLockTheOperatorOut() throws Exception {
    Map<Integer, Integer> statuses = wrongPasswords(STRANGER, "/api/inbox", 50);
    assertThat(statuses.keySet()).containsOnly(401, 429);
    assertThat(statuses.get(401)).as("only the free failures reach the password check: " + statuses)
        .isBetween(10, 13);
    assertThat(statuses.get(429)).isGreaterThanOrEqualTo(37);

    RawHttp.Response right = RawHttp.send("127.0.0.1", port, "GET", "/engine-rest/engine",
        Map.of("Authorization", RawHttp.basic("demo", "demo")), null);
    assertThat(right.status()).as("the operator from another address").isEqualTo(200);
    assertThat(operator().get("/api/inbox").status()).isEqualTo(200);
    assertThat(new CockpitSession(port).login("demo", "demo")).as("and in Cockpit").isEqualTo(200);

    RawHttp.Response fromStranger = RawHttp.send(STRANGER, port, "GET", "/api/inbox",
        Map.of("Authorization", RawHttp.basic("demo", "demo")), null);
    assertThat(fromStranger.status()).as("the throttled address waits, whatever it sends").isEqualTo(429);
  }

  @Test
  void theWebAppLoginIsThrottledTheSameWay() throws Exception {
    String address = "127.0.0.3";
    int throttled = 0;
    int refused = 0;
    for (int i = 0; i < 15; i++) {
      // the login page first: it hands out the session and its CSRF token
      RawHttp.Response page = RawHttp.send(address, port, "GET", "/camunda/app/cockpit/default/", Map.of(), null);
      Map<String, String> headers = new LinkedHashMap<>();
      String cookies = cookies(page.header("Set-Cookie"));
      headers.put("Cookie", cookies);
      headers.put("X-XSRF-TOKEN", cookie(cookies, "XSRF-TOKEN"));
      headers.put("Content-Type", "application/x-www-form-urlencoded");
      RawHttp.Response login = RawHttp.send(address, port, "POST",
          "/camunda/api/admin/auth/user/default/login/cockpit", headers, "username=demo&password=guess" + i);
      if (login.status() == 429) {
        throttled++;
        assertThat(login.header("Retry-After")).isNotNull();
      } else {
        assertThat(login.status()).isEqualTo(401);
        refused++;
      }
    }
    assertThat(refused).as("the free failures, maybe one more after a 1 s wait").isBetween(10, 11);
    assertThat(throttled).isGreaterThanOrEqualTo(4);
    assertThat(new CockpitSession(port).login("demo", "demo")).isEqualTo(200);
  }

  @Test
  void publicEndpointsNeverCheckAPasswordSoGuessesThereCountForNothing() throws Exception {
    String address = "127.0.0.5";
    for (String path : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/prometheus")) {
      for (int i = 0; i < 8; i++) {
        assertThat(RawHttp.send(address, port, "GET", path,
            Map.of("Authorization", RawHttp.basic("demo", "guess-" + i)), null).status()).as(path).isEqualTo(200);
      }
    }
    assertThat(RawHttp.send(address, port, "GET", "/api/inbox",
        Map.of("Authorization", RawHttp.basic("demo", "demo")), null).status())
        .as("24 wrong passwords on public endpoints did not count").isEqualTo(200);
  }

  private static String cookies(String setCookies) {
    StringBuilder header = new StringBuilder();
    for (String setCookie : setCookies.split("\n")) {
      if (header.length() > 0) {
        header.append("; ");
      }
      header.append(setCookie.split(";")[0].trim());
    }
    return header.toString();
  }

  private static String cookie(String cookies, String name) {
    for (String pair : cookies.split("; ")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no cookie " + name + " in " + cookies);
  }
}
