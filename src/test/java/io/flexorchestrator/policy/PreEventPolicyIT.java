package io.flexorchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.rest.conversations.v1.conversation.Message;
import com.twilio.rest.flexapi.v1.Configuration;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.twilio.TwilioGateway;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The pre-event policy through real HTTP: signed pre-events as Twilio sends them, the simulator's
 * inbound messages, and the channel-config API writing to the (simulated) Flex configuration.
 */
class PreEventPolicyIT extends SandboxIT {

  static final String PATH = "/webhooks/conversations/pre-event";
  static final String CH = "CH0000000000000000000000000000b001";
  static final long MIB = 1024L * 1024L;
  static final ObjectMapper MAPPER = new ObjectMapper();

  @Autowired SenderBlocklistRule senders;
  @Autowired ChannelConfigCache channelConfigs;
  @Autowired RecentRejections rejections;
  @Autowired TwilioGateway gateway;

  private CbmAttachments webBefore;

  @AfterEach
  void restore() {
    senders.unblock("+15559990001");
    if (webBefore != null) {
      assertThat(operator().put("/api/channel-configs/web", webBefore).status()).isEqualTo(200);
      webBefore = null;
    }
  }

  static Map<String, String> messageAdd(String source, String author, String body, String media) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("AccountSid", "AC5a5db0c5a5db0c5a5db0c5a5db0c5a5d");
    p.put("EventType", "onMessageAdd");
    p.put("ConversationSid", CH);
    p.put("Source", source);
    p.put("Author", author);
    if (body != null) {
      p.put("Body", body);
    }
    p.put("Attributes", "{}");
    p.put("RetryCount", "0");
    if (media != null) {
      p.put("Media", media);
    }
    return p;
  }

  static String media(String filename, String contentType, long size) {
    return "[{\"Sid\":\"ME0000000000000000000000000000b001\",\"Filename\":\"" + filename
        + "\",\"ContentType\":\"" + contentType + "\",\"Size\":" + size + ",\"Category\":\"media\"}]";
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return MAPPER.readTree(response.body());
  }

  @Test
  void aCardNumberIsMaskedToItsLastFourDigits() throws Exception {
    HttpResponse<String> r = webhooks().post(PATH,
        messageAdd("SMS", "+15551230001", "my card is 4111 1111 1111 1111 thanks", null));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode answer = json(r);
    assertThat(answer.get("body").asText()).isEqualTo("my card is **** **** **** 1111 thanks");
    assertThat(MAPPER.readTree(answer.get("attributes").asText()).at("/policy/masked/0").asText())
        .isEqualTo("card");
    assertThat(r.body()).doesNotContain("4111 1111");
  }

  @Test
  void aCleanMessageIsAcceptedUnchanged() {
    HttpResponse<String> r = webhooks().post(PATH,
        messageAdd("SMS", "+15551230001", "Hi, where is my order 12345?", null));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{}");
    HttpResponse<String> chat = webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", "hello",
        media("photo.png", "image/png", 200_000)));
    assertThat(chat.body()).isEqualTo("{}");
  }

  @Test
  void anExeAttachmentIsRejected() throws Exception {
    HttpResponse<String> r = webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", null,
        media("invoice.exe", "application/x-msdownload", 20_000)));
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(json(r).get("error").asText()).contains("file type .exe is not accepted");
    assertThat(rejections.list().get(0).rule()).isEqualTo("attachments");
    assertThat(rejections.list().get(0).conversationSid()).isEqualTo(CH);
  }

  @Test
  void oversizeAttachmentsAreRejected() throws Exception {
    HttpResponse<String> whatsapp = webhooks().post(PATH, messageAdd("WHATSAPP",
        "whatsapp:+15551230001", null, media("movie.mp4", "video/mp4", 17 * MIB)));
    assertThat(whatsapp.statusCode()).isEqualTo(422);
    assertThat(json(whatsapp).get("error").asText()).contains("too large").contains("16 MiB");

    String twoImages = "[{\"Sid\":\"ME1\",\"Filename\":\"a.jpg\",\"ContentType\":\"image/jpeg\","
        + "\"Size\":3145728},{\"Sid\":\"ME2\",\"Filename\":\"b.jpg\",\"ContentType\":\"image/jpeg\","
        + "\"Size\":3145728}]";
    HttpResponse<String> mms = webhooks().post(PATH, messageAdd("SMS", "+15551230001", "pics", twoImages));
    assertThat(mms.statusCode()).isEqualTo(422);
    assertThat(json(mms).get("error").asText()).contains("together");
  }

  @Test
  void aBlocklistedSenderIsRejected() throws Exception {
    senders.block("+15559990001");
    HttpResponse<String> r = webhooks().post(PATH, messageAdd("SMS", "+15559990001", "hello", null));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(json(r).get("error").asText()).isEqualTo("Messages from this sender are not accepted.");
    HttpResponse<String> whatsapp = webhooks().post(PATH,
        messageAdd("WHATSAPP", "whatsapp:+15559990001", "hello", null));
    assertThat(whatsapp.statusCode()).isEqualTo(403);
    assertThat(webhooks().post(PATH, messageAdd("SMS", "+15551230001", "hello", null)).statusCode())
        .isEqualTo(200);
    HttpJson.Reply list = operator().get("/api/policy/rejections");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get(0).get("rule").asText()).isEqualTo("sender-blocklist");
    assertThat(list.body()).doesNotContain("hello");
  }

  @Test
  void otherEventsAreAcceptedAndBadRequestsRefusedAsForEveryWebhook() {
    assertThat(webhooks().post(PATH, Map.of("EventType", "onParticipantAdd")).body()).isEqualTo("{}");
    Map<String, String> conversationAdd = new LinkedHashMap<>();
    conversationAdd.put("EventType", "onConversationAdd");
    conversationAdd.put("FriendlyName", "whatsapp:+15551230001");
    conversationAdd.put("MessagingBinding.Type", "whatsapp");
    conversationAdd.put("MessagingBinding.Address", "whatsapp:+15551230001");
    HttpResponse<String> renamed = webhooks().post(PATH, conversationAdd);
    assertThat(renamed.statusCode()).isEqualTo(200);
    assertThat(renamed.body()).isEqualTo("{\"friendly_name\":\"whatsapp conversation\"}");

    Map<String, String> params = messageAdd("SMS", "+15551230001", "4111111111111111", null);
    assertThat(webhooks().post(PATH, params, "Zm9yZ2Vk", null).statusCode()).isEqualTo(403);
    HttpResponse<String> malformed = webhooks().post(PATH,
        messageAdd("SMS", "+15551230001", "hi", "{not json"));
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("\"error\"").doesNotContain("Exception");
    Map<String, String> huge = messageAdd("SMS", "+15551230001", "x".repeat(70_000), null);
    HttpResponse<String> tooLarge = webhooks().post(PATH, huge);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("\"error\"");
  }

  @Test
  void anAttachmentConfigurationChangeTakesEffectWithoutRestart() throws Exception {
    HttpJson.Reply before = operator().get("/api/channel-configs/web");
    assertThat(before.status()).isEqualTo(200);
    webBefore = MAPPER.treeToValue(before.json(), CbmAttachments.class);
    assertThat(webBefore.acceptedExtensions()).contains("pdf");
    String pdf = media("statement.pdf", "application/pdf", 100_000);
    assertThat(webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", null, pdf)).statusCode())
        .isEqualTo(200);

    Map<String, Object> change = new LinkedHashMap<>();
    change.put("enabled", true);
    change.put("number_of_attachments", 2);
    change.put("max_file_size", 1048576);
    change.put("max_total_file_size", 2097152);
    change.put("accepted_extensions", List.of("jpg", "png"));
    HttpJson.Reply put = operator().put("/api/channel-configs/chat", change);
    assertThat(put.status()).isEqualTo(200);
    assertThat(put.json().get("accepted_extensions").toString()).isEqualTo("[\"jpg\",\"png\"]");

    // Flex itself has it (the simulator's /v1/Configuration, read with twilio-java)
    Configuration flex = Configuration.fetcher().fetch(gateway.client());
    assertThat(flex.getChannelConfigs().toString()).contains("max_file_size=1048576");
    assertThat(operator().get("/api/channel-configs/web").json().get("number_of_attachments").asInt())
        .isEqualTo(2);

    HttpResponse<String> refused = webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", null, pdf));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(json(refused).get("error").asText()).contains(".pdf");
    assertThat(webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", null,
        media("big.png", "image/png", 2 * MIB))).statusCode()).isEqualTo(422);
    assertThat(webhooks().post(PATH, messageAdd("SDK", "jane-7f3a", null,
        media("small.png", "image/png", 1000))).statusCode()).isEqualTo(200);

    // a periodic re-read keeps what Flex has
    channelConfigs.refresh();
    assertThat(channelConfigs.forType("web").orElseThrow().maxFileSize()).isEqualTo(1048576);
  }

  @Test
  void theChannelConfigApiValidatesItsInput() {
    assertThat(operator().get("/api/channel-configs/whatsapp").json().get("max_file_size").asLong())
        .isEqualTo(16 * MIB);
    assertThat(operator().get("/api/channel-configs/fax").status()).isEqualTo(400);
    assertThat(operator().put("/api/channel-configs/fax", Map.of()).status()).isEqualTo(400);
    HttpJson.Reply missing = operator().put("/api/channel-configs/web", Map.of("enabled", false));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.json().get("error").asText()).contains("required");
    assertThat(operator().put("/api/channel-configs/web", "[1,2").status()).isEqualTo(400);
    assertThat(sim().get("/api/channel-configs/web").status()).isEqualTo(401);
    assertThat(operator().get("/api/channel-configs").json().get("channelConfigs").has("sms")).isTrue();
  }

  @Test
  void throughTheSimulatorACardIsMaskedAndAnExeNeverAdded() {
    Map<String, Object> inbound = new LinkedHashMap<>();
    inbound.put("from", "+15551237001");
    inbound.put("to", "+15550001111");
    inbound.put("channel", "sms");
    inbound.put("body", "pay with 5500 0000 0000 0004 please");
    HttpJson.Reply added = sim().post("/sim/control/inbound", inbound);
    assertThat(added.status()).isEqualTo(200);
    String conversation = added.json().get("conversationSid").asText();
    String messageSid = added.json().get("messageSid").asText();
    Message stored = Message.fetcher(conversation, messageSid).fetch(gateway.client());
    assertThat(stored.getBody()).isEqualTo("pay with **** **** **** 0004 please");

    Map<String, Object> exe = new LinkedHashMap<>(inbound);
    exe.put("body", "see attached");
    exe.put("media", List.of(Map.of("filename", "run.exe", "contentType", "application/octet-stream",
        "size", 5000)));
    HttpJson.Reply rejected = sim().post("/sim/control/inbound", exe);
    assertThat(rejected.status()).isEqualTo(200);
    assertThat(rejected.json().get("rejected").asBoolean()).isTrue();
    assertThat(rejected.json().get("reason").asText()).contains(".exe");
    assertThat(rejected.json().path("messageSid").isMissingNode()
        || rejected.json().get("messageSid").isNull()).isTrue();
  }
}
