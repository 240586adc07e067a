package io.flexorchestrator.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import com.twilio.exception.ApiException;
import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.flexapi.v1.Interaction;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's mapping of twilio-java's URLs onto TWILIO_API_BASE_URL, over real HTTP. */
class BaseUrlRewritingHttpClientTest {

  private static final String ACCOUNT = "AC11111111111111111111111111111111";
  private static final String TOKEN = "secret-token";
  private static final String CH = "CH11111111111111111111111111111111";

  record Seen(String method, String path, String query, String body, String contentType, String auth) {}

  private HttpServer server;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private volatile String answer = "{}";
  private TwilioRestClient client;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestURI().getRawQuery(), body,
          exchange.getRequestHeaders().getFirst("Content-Type"),
          exchange.getRequestHeaders().getFirst("Authorization")));
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status.get(), out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/sim/";
    client = new TwilioRestClient.Builder(ACCOUNT, TOKEN)
        .httpClient(new BaseUrlRewritingHttpClient(new NetworkHttpClient(), () -> base))
        .build();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void mapsHostLabelToPathPrefix() {
    assertThat(BaseUrlRewritingHttpClient.rewriteUrl("https://flex-api.twilio.com/v1/Interactions",
        "http://localhost:8080/sim")).isEqualTo("http://localhost:8080/sim/flex-api/v1/Interactions");
    assertThat(BaseUrlRewritingHttpClient.rewriteUrl(
        "https://conversations.twilio.com/v1/Conversations/" + CH, "http://h/base/"))
        .isEqualTo("http://h/base/conversations/v1/Conversations/" + CH);
    assertThat(BaseUrlRewritingHttpClient.rewriteUrl(
        "https://taskrouter.twilio.com/v1/Workspaces/WS1/Tasks", "http://h"))
        .isEqualTo("http://h/taskrouter/v1/Workspaces/WS1/Tasks");
  }

  @Test
  void keepsMethodFormBodyAndBasicAuth() {
    answer = "{\"sid\":\"" + CH + "\",\"state\":\"active\"}";
    Conversation.updater(CH).setTimersInactive("PT5M").setTimersClosed("PT1H").update(client);

    Seen request = seen.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/sim/conversations/v1/Conversations/" + CH);
    assertThat(request.contentType()).startsWith("application/x-www-form-urlencoded");
    assertThat(request.body()).contains("Timers.Inactive=PT5M").contains("Timers.Closed=PT1H");
    assertThat(request.auth()).isEqualTo("Basic " + Base64.getEncoder()
        .encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keepsJsonValuedParametersAndQuery() {
    answer = "{\"sid\":\"KD11111111111111111111111111111111\",\"channel\":{\"sid\":\"UO11111111111111111111111111111111\"}}";
    Interaction.creator(Map.of("type", "sms", "initiated_by", "customer"))
        .setRouting(Map.of("properties", Map.of("workflow_sid", "WW1")))
        .create(client);
    assertThat(seen.get(0).path()).isEqualTo("/sim/flex-api/v1/Interactions");
    assertThat(java.net.URLDecoder.decode(seen.get(0).body(), StandardCharsets.UTF_8))
        .contains("Channel={", "\"type\":\"sms\"", "\"initiated_by\":\"customer\"")
        .contains("Routing={\"properties\":{\"workflow_sid\":\"WW1\"}}");

    answer = "{\"tasks\":[],\"meta\":{\"page\":0,\"page_size\":20}}";
    Task.reader("WS1").setEvaluateTaskAttributes("conversationSid == \"" + CH + "\"")
        .setPageSize(20L).firstPage(client);
    Seen get = seen.get(1);
    assertThat(get.method()).isEqualTo("GET");
    assertThat(get.path()).isEqualTo("/sim/taskrouter/v1/Workspaces/WS1/Tasks");
    assertThat(java.net.URLDecoder.decode(get.query(), StandardCharsets.UTF_8))
        .contains("EvaluateTaskAttributes=conversationSid == \"" + CH + "\"").contains("PageSize=20");
  }

  @Test
  void neverRepeatsAPostButRetriesAGet() {
    status.set(500);
    answer = "{\"code\":20500,\"message\":\"Internal Server Error\",\"status\":500}";
    assertThatThrownBy(() -> Interaction.creator(Map.of("type", "sms")).create(client))
        .isInstanceOf(ApiException.class);
    assertThat(seen).hasSize(1);

    seen.clear();
    assertThatThrownBy(() -> Conversation.fetcher(CH).fetch(client)).isInstanceOf(ApiException.class);
    assertThat(seen).hasSizeGreaterThan(1);
    assertThat(seen).allMatch(s -> s.method().equals("GET"));
  }
}
