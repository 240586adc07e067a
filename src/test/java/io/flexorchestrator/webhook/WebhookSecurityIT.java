package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Signatures, size limits and bad input on the webhook endpoints, through real HTTP. */
class WebhookSecurityIT extends SandboxIT {

  private static final String CH = "CH0000000000000000000000000000a001";

  @Autowired RuntimeService runtime;
  @Autowired JdbcTemplate jdbc;
  @Autowired org.camunda.bpm.engine.HistoryService history;

  private Map<String, String> messageAdded(String conversationSid, String messageSid) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", "onMessageAdded");
    params.put("ConversationSid", conversationSid);
    params.put("MessageSid", messageSid);
    params.put("Author", "+15551230001");
    params.put("Body", "hello");
    params.put("Source", "SMS");
    return params;
  }

  private long inboxRows(String conversationSid) {
    return jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE conversation_sid = ?",
        Long.class, conversationSid);
  }

  @Test
  void unsignedOrWronglySignedWebhooksAreRefusedAndChangeNothing() {
    Map<String, String> params = messageAdded(CH, "IM0000000000000000000000000000a001");
    HttpResponse<String> unsigned = webhooks().post("/webhooks/conversations", params, null, null);
    HttpResponse<String> forged = webhooks().post("/webhooks/conversations", params, "Zm9yZ2Vk", null);
    Map<String, String> tampered = new LinkedHashMap<>(params);
    String signature = webhooks().sign("/webhooks/conversations", params);
    tampered.put("Author", "+15559999999");
    HttpResponse<String> altered = webhooks().post("/webhooks/conversations", tampered, signature, null);

    for (HttpResponse<String> response : java.util.List.of(unsigned, forged, altered)) {
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(response.body()).contains("\"error\"").doesNotContain("Exception");
    }
    assertThat(webhooks().post("/webhooks/taskrouter", Map.of("EventType", "task.completed"), null, null)
        .statusCode()).isEqualTo(403);
    assertThat(webhooks().post("/webhooks/conversations/pre-event", Map.of("EventType", "onMessageAdd"),
        null, null).statusCode()).isEqualTo(403);
    assertThat(inboxRows(CH)).isZero();
    assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(CH).count()).isZero();
  }

  @Test
  void signatureOverTheLocalUrlIsNotEnoughWhenThePublicUrlDiffers() {
    // the app is reached as http://localhost:{port}; a signature over another host is refused
    var elsewhere = new io.flexorchestrator.support.WebhookClient(port, "https://orchestrator.example.com");
    Map<String, String> params = messageAdded(CH, "IM0000000000000000000000000000a002");
    assertThat(elsewhere.post("/webhooks/conversations", params).statusCode()).isEqualTo(403);
  }

  @Test
  void unknownEventTypesAreAcknowledgedAndIgnored() {
    assertThat(webhooks().post("/webhooks/conversations", Map.of("EventType", "onSomethingNew"))
        .statusCode()).isEqualTo(200);
    HttpResponse<String> taskRouter = webhooks().post("/webhooks/taskrouter",
        Map.of("EventType", "worker.activity.update", "WorkerSid", "WK00000000000000000000000000000001"));
    assertThat(taskRouter.statusCode()).isEqualTo(204);
    assertThat(taskRouter.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
  }

  @Test
  void malformedKnownEventsGetAClear400() {
    Map<String, String> notJson = new LinkedHashMap<>();
    notJson.put("EventType", "task.completed");
    notJson.put("TaskSid", "WT00000000000000000000000000000001");
    notJson.put("TaskAttributes", "{not json");
    HttpResponse<String> response = webhooks().post("/webhooks/taskrouter", notJson);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("TaskAttributes is not valid JSON");

    Map<String, String> missingTask = new LinkedHashMap<>(notJson);
    missingTask.remove("TaskSid");
    missingTask.put("TaskAttributes", "{\"conversationSid\":\"" + CH + "\"}");
    assertThat(webhooks().post("/webhooks/taskrouter", missingTask).body()).contains("TaskSid");

    Map<String, String> wrongPrefix = messageAdded("XX0000000000000000000000000000a001",
        "IM0000000000000000000000000000a003");
    HttpResponse<String> wrong = webhooks().post("/webhooks/conversations", wrongPrefix);
    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("ConversationSid must be a CH");
  }

  @Test
  void jsonBodiesSignedThroughBodySha256AreTakenAsParametersAndForgedOnesRefused() {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    sandbox.awaitTask(ch, "pending");
    long before = inboxRows(ch);
    String json = "{\"EventType\":\"onMessageAdded\",\"ConversationSid\":\"" + ch + "\","
        + "\"MessageSid\":\"IM0000000000000000000000000000a005\",\"Author\":\"+15551230001\","
        + "\"Body\":\"hello again\",\"Source\":\"SMS\",\"Index\":7,\"Attributes\":{}}";

    String tampered = json.replace("hello again", "something else");
    HttpResponse<String> forged = webhooks().postJson("/webhooks/conversations", tampered, json);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(webhooks().postJson("/webhooks/conversations", "[1,2]", "[1]").statusCode())
        .as("an unsigned array is refused for its signature first").isEqualTo(403);
    assertThat(inboxRows(ch)).isEqualTo(before);

    assertThat(webhooks().postJson("/webhooks/conversations", json, json).statusCode()).isEqualTo(200);
    assertThat(inboxRows(ch)).isEqualTo(before + 1);
    assertThat(jdbc.queryForObject("SELECT payload FROM webhook_inbox WHERE conversation_sid = ?"
        + " AND event_type = 'onMessageAdded' ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", String.class, ch))
        .contains("IM0000000000000000000000000000a005").contains("\"Index\":\"7\"");
    assertThat(webhooks().postJson("/webhooks/conversations", json, json).statusCode())
        .as("a repeated JSON delivery is acknowledged").isEqualTo(200);
    assertThat(inboxRows(ch)).as("and stored once").isEqualTo(before + 1);
    assertThat(sandbox.instances(ch)).isEqualTo(1);

    String notJson = "{\"EventType\":\"task.completed\",\"TaskSid\":\"WT00000000000000000000000000000001\","
        + "\"TaskAttributes\":\"{not json\"}";
    HttpResponse<String> malformed = webhooks().postJson("/webhooks/taskrouter", notJson, notJson);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("TaskAttributes is not valid JSON");
    HttpResponse<String> array = webhooks().postJson("/webhooks/taskrouter", "[1,2]", "[1,2]");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(array.body()).contains("one object of Twilio's parameters").doesNotContain("Exception");
  }

  @Test
  void oversizedBodiesGet413() {
    Map<String, String> params = messageAdded(CH, "IM0000000000000000000000000000a004");
    params.put("Body", "x".repeat(70 * 1024));
    HttpResponse<String> response = webhooks().post("/webhooks/conversations", params);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("payload too large");
  }
}
