package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.HeadlessChromium;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The routing what-if on real traffic: 200 sandbox interactions (SMS, WhatsApp and web chat;
 * VIP, gold, Spanish and ordinary customers) run end to end, then a table whose only change is
 * rule-vip's priority (50 → 95) is compared with the deployed one: exactly the VIP and gold
 * conversations change, in one group, and nothing is deployed or sent to Twilio. Then the Cockpit
 * page in headless Chromium: an analyst logs in, chooses the file and sees the same diff.
 */
class RoutingWhatIfIT extends SandboxIT {

  private static final int INTERACTIONS = 200;
  private static final Path TABLE = Path.of("processes/routing-decision.dmn");

  /** The 200 interactions, run once for both tests. */
  private static Traffic traffic;

  private record Traffic(Instant since, List<String> all, Set<String> vip) {}

  @Autowired HistoryService history;
  @Autowired RepositoryService repository;

  @BeforeEach
  void runTrafficOnce() throws Exception {
    if (traffic == null) {
      traffic = runTraffic();
    }
  }

  @Test
  void aChangedVipPriorityChangesExactlyTheVipInteractions() throws IOException {
    long deployments = repository.createDeploymentQuery().count();
    Instant asked = Instant.now();
    HttpJson.Reply reply = operator().post("/api/routing/what-if", Map.of(
        "dmnXml", vip95(), "since", traffic.since().toString(), "samples", 100));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode answer = reply.json();
    assertThat(answer.get("interactions").asInt()).as(reply.body()).isEqualTo(INTERACTIONS);
    assertThat(answer.get("changed").asInt()).isEqualTo(traffic.vip().size());
    assertThat(answer.get("unchanged").asInt()).isEqualTo(INTERACTIONS - traffic.vip().size());
    assertThat(answer.get("failed").asInt()).isZero();
    assertThat(answer.get("changes")).hasSize(1);
    JsonNode change = answer.get("changes").get(0);
    assertThat(change.get("count").asInt()).isEqualTo(traffic.vip().size());
    assertThat(change.get("deployedRule").asText()).isEqualTo("rule-vip");
    assertThat(change.get("proposedRule").asText()).isEqualTo("rule-vip");
    assertThat(change.get("outputs").toString())
        .isEqualTo("{\"routingPriority\":{\"deployed\":50,\"proposed\":95}}");
    Set<String> samples = new HashSet<>();
    change.get("samples").forEach(sid -> samples.add(sid.asText()));
    assertThat(samples).as("every changed conversation, and only those").isEqualTo(traffic.vip());
    assertThat(answer.at("/byOutput/routingPriority/0/count").asInt()).isEqualTo(traffic.vip().size());
    assertThat(answer.at("/recordedDiffers/count").asInt()).as("the deployed table decided them all").isZero();
    assertThat(answer.get("missingInputs")).isEmpty();
    assertThat(answer.at("/cases/file").asText()).isEqualTo("routing-decision.cases.csv");
    assertThat(answer.at("/cases/failed").findValuesAsText("case")).as("the analysts' VIP cases")
        .containsExactly("VIP customer is offered first", "Gold customer is offered like VIP");
    assertThat(answer.at("/cases/failed/0/problems/0").asText())
        .isEqualTo("routingPriority: expected 50, the table decided 95");

    assertThat(repository.createDeploymentQuery().count()).as("nothing deployed").isEqualTo(deployments);
    assertThat(requestsSince(asked)).as("nothing sent to Twilio for these conversations").isEmpty();

    HttpJson.Reply same = operator().post("/api/routing/what-if", Map.of(
        "dmnXml", Files.readString(TABLE), "since", traffic.since().toString()));
    assertThat(same.json().get("changed").asInt()).as("the deployed table itself").isZero();
    assertThat(same.json().get("interactions").asInt()).isEqualTo(INTERACTIONS);
    assertThat(same.json().at("/cases/failed")).as("today's table passes its cases").isEmpty();
  }

  @Test
  void theDmnFileItselfAsXmlAndWhatIsRefused() throws Exception {
    HttpResponse<String> xml = raw("application/xml", vip95(), "?since=" + traffic.since());
    assertThat(xml.statusCode()).as(xml.body()).isEqualTo(200);
    assertThat(xml.body()).contains("\"changed\":" + traffic.vip().size() + ",");
    HttpResponse<String> textXml = raw("text/xml; charset=utf-8", vip95(), "?days=1");
    assertThat(textXml.statusCode()).as(textXml.body()).isEqualTo(200);

    assertThat(raw("application/xml", "<definitions>", "").statusCode()).isEqualTo(400);
    HttpResponse<String> other = raw("application/xml", Files.readString(TABLE)
        .replace("id=\"routing-decision\"", "id=\"other-decision\""), "");
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("no decision with id \\\"routing-decision\\\"");
    assertThat(raw("multipart/form-data; boundary=x", "--x--", "").statusCode()).isEqualTo(415);
    assertThat(raw("text/plain", vip95(), "").statusCode()).isEqualTo(415);
    assertThat(raw("application/xml", vip95(), "?days=31").statusCode()).isEqualTo(400);
    assertThat(operator().post("/api/routing/what-if", Map.of("days", 7)).status()).isEqualTo(400);
    assertThat(new HttpJson(port).post("/api/routing/what-if", Map.of("dmnXml", vip95())).status())
        .isEqualTo(401);
  }

  @Test
  void theCockpitPageShowsTheDiff() throws Exception {
    boolean required = Boolean.getBoolean("it.browser.required");
    Assumptions.assumeTrue(required || HeadlessChromium.binary().isPresent(),
        "no Chromium installed (apt-get install -y chromium); CI sets -Dit.browser.required=true");
    Path dmn = Files.createTempDirectory("what-if").resolve("routing-decision-vip-95.dmn");
    Files.writeString(dmn, vip95());
    JsonNode expected = operator().post("/api/routing/what-if", Map.of("dmnXml", vip95(), "days", 1)).json();

    try (HeadlessChromium browser = HeadlessChromium.start(1400, 1000)) {
      String cockpit = "http://localhost:" + port + "/camunda/app/cockpit/default/";
      browser.open(cockpit + "#/login");
      browser.waitFor("document.querySelector('input[type=password]')", Duration.ofSeconds(30));
      browser.type("input[type=text]", "demo");
      browser.type("input[type=password]", "demo");
      browser.click("button[type=submit]");
      browser.waitFor("[...document.querySelectorAll('a')].some(a => a.textContent.trim() === 'Routing what-if')",
          Duration.ofSeconds(30));
      browser.click("a[href='#/routing-what-if']");
      browser.waitFor("document.querySelector('.routing-what-if input[type=file]')", Duration.ofSeconds(30));
      browser.chooseFile(".routing-what-if input[type=file]", dmn);
      browser.type(".routing-what-if input[name=days]", "1");
      browser.click(".routing-what-if button[type=submit]");
      browser.waitFor("document.querySelector('.routing-what-if table.changes tbody tr')"
          + " || /Could not/.test(document.querySelector('.routing-what-if .status').textContent)",
          Duration.ofSeconds(60));

      assertThat(browser.eval("document.querySelector('.routing-what-if .status').textContent").asText())
          .isEqualTo("Compared routing-decision-vip-95.dmn.");
      assertThat(browser.eval("document.querySelector('.what-if-summary').textContent").asText())
          .startsWith(expected.get("changed").asInt() + " of " + expected.get("interactions").asInt()
              + " interactions started since ")
          .contains("deployed table routing-decision version " + expected.at("/deployed/version").asInt());
      JsonNode cells = browser.eval("[...document.querySelectorAll('.routing-what-if table.changes tbody tr')]"
          + ".map(r => [...r.cells].map(c => c.textContent))");
      assertThat(cells).hasSize(1);
      assertThat(cells.get(0).get(0).asText()).isEqualTo(String.valueOf(expected.at("/changes/0/count").asInt()));
      assertThat(cells.get(0).get(1).asText()).isEqualTo("rule-vip");
      assertThat(cells.get(0).get(2).asText()).isEqualTo("rule-vip");
      assertThat(cells.get(0).get(3).asText()).isEqualTo("routingPriority: 50 → 95");
      assertThat(cells.get(0).get(4).asText()).contains(expected.at("/changes/0/samples/0").asText());
      assertThat(browser.eval("document.querySelector('.routing-what-if .cases').textContent").asText())
          .startsWith("2 of " + expected.at("/cases/total").asInt() + " test cases of routing-decision.cases.csv fail")
          .contains("\"VIP customer is offered first\": routingPriority: expected 50, the table decided 95");

      Path screenshot = Path.of("target", "screenshots", "cockpit-routing-what-if.png");
      Files.createDirectories(screenshot.getParent());
      Files.write(screenshot, browser.screenshot());
    }
  }

  private Traffic runTraffic() throws Exception {
    JsonNode agents = sim().get("/sim/control/agents").json();
    sim().put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", 100, "wrapupAfterMs", 100,
        "completeAfterMs", 100));
    Instant since = Instant.now();
    List<String> all = new ArrayList<>();
    Set<String> vip = new HashSet<>();
    ExecutorService customers = Executors.newFixedThreadPool(8);
    try {
      List<Future<String>> sent = new ArrayList<>();
      List<Boolean> isVip = new ArrayList<>();
      for (int i = 0; i < INTERACTIONS; i++) {
        Map<String, Object> attributes = new HashMap<>();
        String tier = i % 5 == 0 ? "vip" : i % 7 == 0 ? "gold" : i % 3 == 0 ? "standard" : null;
        if (tier != null) {
          attributes.put("tier", tier);
        }
        if (i % 4 == 1) {
          attributes.put("language", "es");
        }
        String channel = List.of("sms", "whatsapp", "chat").get(i % 3);
        isVip.add(tier != null && !tier.equals("standard"));
        sent.add(customers.submit(() -> inbound(channel, attributes)));
      }
      for (int i = 0; i < sent.size(); i++) {
        String ch = sent.get(i).get();
        all.add(ch);
        if (isVip.get(i)) {
          vip.add(ch);
        }
      }
      String[] keys = all.toArray(String[]::new);
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
          history.createHistoricProcessInstanceQuery().processInstanceBusinessKeyIn(keys).finished().count()
              == INTERACTIONS);
    } finally {
      customers.shutdown();
      sim().put("/sim/control/agents", Map.of("mode", agents.get("mode").asText(),
          "acceptAfterMs", agents.get("acceptAfterMs").asLong(),
          "wrapupAfterMs", agents.get("wrapupAfterMs").asLong(),
          "completeAfterMs", agents.get("completeAfterMs").asLong()));
    }
    assertThat(vip).hasSizeGreaterThan(40);
    return new Traffic(since, all, vip);
  }

  private String inbound(String channel, Map<String, Object> attributes) {
    String customer = Sandbox.newCustomer();
    Map<String, Object> message = new HashMap<>(Map.of("body", "hello", "channel", channel,
        "attributes", attributes));
    message.put("from", channel.equals("chat") ? "visitor-" + customer.substring(1) : customer);
    message.put("to", channel.equals("chat") ? "flex-webchat" : "+15550001111");
    HttpJson.Reply reply = sim().post("/sim/control/inbound", message);
    if (reply.status() != 200 || !reply.json().get("createdConversation").asBoolean()) {
      throw new AssertionError("inbound: " + reply.status() + " " + reply.body());
    }
    return reply.json().get("conversationSid").asText();
  }

  private List<JsonNode> requestsSince(Instant instant) {
    List<JsonNode> after = new ArrayList<>();
    for (JsonNode request : sim().get("/sim/control/requests").json()) {
      boolean ours = traffic.all().stream().anyMatch(ch -> request.toString().contains(ch));
      if (ours && Instant.parse(request.get("at").asText()).isAfter(instant)) {
        after.add(request);
      }
    }
    return after;
  }

  private HttpResponse<String> raw(String contentType, String body, String query) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/api/routing/what-if" + query))
        .header("Content-Type", contentType)
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("demo:demo".getBytes()))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String vip95() throws IOException {
    String today = Files.readString(TABLE, StandardCharsets.UTF_8);
    String changed = today.replace("<outputEntry id=\"rule-vip-priority\"><text>50</text>",
        "<outputEntry id=\"rule-vip-priority\"><text>95</text>");
    assertThat(changed).as("rule-vip's priority cell in " + TABLE).isNotEqualTo(today);
    return changed;
  }
}
