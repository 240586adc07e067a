package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.RawHttp;
import io.flexorchestrator.support.SandboxIT;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bounded resources: slow clients (bodies trickling in, headers never finished) are cut off after
 * seconds and can never take every worker thread, so health and webhooks keep answering; web-app
 * sessions that never log in are short and capped; a made-up event type does not become a metric
 * label. Bounded itself: 150 slow connections from one loopback address for about 10 seconds.
 */
class ResourceLimitsSecurityIT extends SandboxIT {

  private static final int SLOW_BODIES = 150;
  private static final int SLOW_HEADERS = 20;

  @Autowired SessionLimits sessions;

  @Test
  void slowClientsAreCutOffAndHealthAndWebhooksKeepAnswering() throws Exception {
    long started = System.nanoTime();
    List<Socket> bodies = new ArrayList<>();
    for (int i = 0; i < SLOW_BODIES; i++) {
      Socket socket = RawHttp.connect("127.0.0.4", port);
      socket.getOutputStream().write(("POST /webhooks/conversations HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nEventType=")
          .getBytes(StandardCharsets.ISO_8859_1));
      bodies.add(socket);
    }
    // an operator's API call whose JSON body trickles in as well (another address)
    Socket api = RawHttp.connect("127.0.0.7", port);
    api.getOutputStream().write(("POST /api/interactions/outbound HTTP/1.1\r\nHost: localhost\r\n"
        + "Authorization: " + RawHttp.basic("demo", "demo") + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5000\r\n\r\n{\"channel\":\"sms\",\"body\":\"").getBytes(StandardCharsets.ISO_8859_1));
    bodies.add(api);
    List<Socket> headers = new ArrayList<>();
    for (int i = 0; i < SLOW_HEADERS; i++) {
      Socket socket = RawHttp.connect("127.0.0.6", port);
      socket.getOutputStream().write("POST /webhooks/taskrouter HTTP/1.1\r\nHost: local"
          .getBytes(StandardCharsets.ISO_8859_1));
      headers.add(socket);
    }
    // one byte every half second to every slow body: never idle long enough for a read timeout
    Map<Socket, Boolean> open = new ConcurrentHashMap<>();
    bodies.forEach(s -> open.put(s, true));
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    trickle.scheduleAtFixedRate(() -> open.keySet().forEach(socket -> {
      try {
        OutputStream out = socket.getOutputStream();
        out.write('x');
        out.flush();
      } catch (IOException closedByTheServer) {
        open.remove(socket);
      }
    }), 500, 500, TimeUnit.MILLISECONDS);
    try {
      HttpJson probe = new HttpJson(port);
      for (int i = 0; i < 6; i++) {
        long t = System.nanoTime();
        assertThat(probe.get("/actuator/health/liveness").status()).isEqualTo(200);
        Map<String, String> participant = new LinkedHashMap<>();
        participant.put("EventType", "onParticipantAdded");
        participant.put("ConversationSid", "CH0000000000000000000000000000510a");
        participant.put("ParticipantSid", "MB0000000000000000000000000000510a");
        assertThat(webhooks().post("/webhooks/conversations", participant).statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - t) / 1_000_000).as("health and a webhook, ms").isLessThan(2_000);
        Thread.sleep(1_000);
      }

      Map<String, Integer> outcomes = new LinkedHashMap<>();
      bodies.remove(api);
      assertThat(outcome(api, started)).as("the slow API body").isEqualTo("408");
      for (Socket socket : bodies) {
        outcomes.merge(outcome(socket, started), 1, Integer::sum);
      }
      for (Socket socket : headers) {
        outcomes.merge("headers " + outcome(socket, started), 1, Integer::sum);
      }
      // beyond the per-client limit refused at once; the rest cut off when their body was late
      assertThat(outcomes.getOrDefault("429", 0)).as(outcomes.toString()).isGreaterThanOrEqualTo(SLOW_BODIES - 100);
      assertThat(outcomes.getOrDefault("408", 0) + outcomes.getOrDefault("429", 0)
          + outcomes.getOrDefault("closed", 0)).as(outcomes.toString()).isEqualTo(SLOW_BODIES);
      assertThat(outcomes.getOrDefault("headers closed", 0) + outcomes.getOrDefault("headers 408", 0)
          + outcomes.getOrDefault("headers 400", 0)).as(outcomes.toString()).isEqualTo(SLOW_HEADERS);
      assertThat((System.nanoTime() - started) / 1_000_000_000).as("all cut off within seconds")
          .isLessThan(20);
    } finally {
      trickle.shutdownNow();
      for (Socket socket : bodies) {
        socket.close();
      }
      for (Socket socket : headers) {
        socket.close();
      }
      api.close();
    }
  }

  /** The status the server answered, or "closed" when it closed the connection without one. */
  private static String outcome(Socket socket, long started) throws IOException {
    long left = 20_000 - (System.nanoTime() - started) / 1_000_000;
    socket.setSoTimeout((int) Math.max(500, left));
    InputStream in = socket.getInputStream();
    byte[] head = new byte[12];
    try {
      int n = in.readNBytes(head, 0, head.length);
      return n < 12 ? "closed" : new String(head, 9, 3, StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException stillOpen) {
      return "still open";
    } catch (IOException reset) {
      return "closed";
    }
  }

  @Test
  void sessionsThatNeverLogInAreShortAndALoginGetsTheFullTimeout() {
    int before = sessions.anonymousCount();
    for (int i = 0; i < 20; i++) {
      new CockpitSession(port).get("/camunda/app/cockpit/default/");
    }
    assertThat(sessions.anonymousCount()).isBetween(Math.min(before + 20, 1000), 1000);
    CockpitSession operator = new CockpitSession(port);
    assertThat(operator.login("demo", "demo")).isEqualTo(200);
    assertThat(sessions.isLoggedIn(operator.sessionId())).isTrue();
    assertThat(operator.get("/camunda/api/engine/engine/default/process-definition").statusCode()).isEqualTo(200);
  }

  @Test
  void aMadeUpEventTypeIsNoMetricLabel() throws Exception {
    String madeUp = "onMadeUp" + System.nanoTime();
    Map<String, String> params = Map.of("EventType", madeUp, "ConversationSid", "CH0000000000000000000000000000a0f1");
    assertThat(webhooks().post("/webhooks/conversations", params).statusCode()).isEqualTo(200);
    String scrape = RawHttp.send("127.0.0.1", port, "GET", "/actuator/prometheus", Map.of(), null).body();
    assertThat(scrape).doesNotContain(madeUp).contains("event=\"other\"");
  }
}
