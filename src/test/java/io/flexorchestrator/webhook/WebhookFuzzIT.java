package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.support.WebhookClient;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Randomized (seeded, so reproducible) inputs over the three webhook endpoints: signed and
 * unsigned, well-formed and broken, known and unknown events, random SIDs, JSON that isn't,
 * unicode, huge and truncated bodies. None may get a 5xx or a stack trace, and the app stays up.
 */
class WebhookFuzzIT extends SandboxIT {

  private static final long SEED = Long.getLong("it.fuzz.seed", 20261122L);
  private static final int CASES = Integer.getInteger("it.fuzz.cases", 3000);
  private static final List<String> PATHS = List.of("/webhooks/conversations",
      "/webhooks/conversations/pre-event", "/webhooks/taskrouter");
  private static final List<String> EVENTS = List.of("onMessageAdded", "onMessageAdd",
      "onMessageUpdate", "onConversationAdd", "onConversationAdded", "onConversationStateUpdated",
      "onConversationRemoved", "onParticipantAdded", "onParticipantRemoved", "task.completed",
      "task.canceled", "task.wrapup",
      "task.deleted", "task.system-deleted", "reservation.accepted", "reservation.rejected",
      "workflow.timeout", "worker.activity.update", "", "💥", "task.completed\u0000");
  private static final List<String> NAMES = List.of("EventType", "ConversationSid", "MessageSid",
      "TaskSid", "ReservationSid", "WorkerSid", "TaskAttributes", "StateTo", "StateFrom", "Body",
      "Author", "Source", "Media", "ChatServiceSid", "TaskCanceledReason", "Timestamp", "Sid",
      "MessagingBinding.Address", "ClientIdentity", "Attributes", "x\u00ff", "");

  @Test
  void noInputYieldsA5xxOrAStackTrace() {
    Random random = new Random(SEED);
    WebhookClient client = webhooks();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      String path = PATHS.get(random.nextInt(PATHS.size()));
      HttpResponse<String> response;
      int shape = random.nextInt(10);
      if (shape < 6) {
        Map<String, String> params = params(random);
        boolean signed = random.nextInt(5) != 0;
        response = client.post(path, params, signed ? client.sign(path, params) : randomSignature(random), null);
      } else if (shape < 8) {
        response = client.postRaw(path, brokenBody(random), randomSignature(random), null);
      } else if (shape == 8) {
        Map<String, String> params = params(random);
        params.put("Body", "x".repeat(60_000 + random.nextInt(40_000)));
        response = client.post(path, params);
      } else {
        String body = WebhookClient.form(params(random));
        String truncated = body.substring(0, random.nextInt(body.length() + 1));
        response = client.postRaw(path, truncated, randomSignature(random), "tok-" + random.nextInt(50));
      }
      String body = response.body() == null ? "" : response.body();
      if (response.statusCode() >= 500 || body.contains("Exception") || body.contains("\tat ")
          || body.contains("at io.flexorchestrator")) {
        failures.add("case " + i + " " + path + " -> " + response.statusCode() + " " + abbreviate(body));
      }
    }
    assertThat(failures).as("seed " + SEED).isEmpty();
    assertThat(sim().get("/actuator/health/liveness").status()).isEqualTo(200);
  }

  private static Map<String, String> params(Random random) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", EVENTS.get(random.nextInt(EVENTS.size())));
    int extra = random.nextInt(8);
    for (int i = 0; i < extra; i++) {
      params.put(NAMES.get(random.nextInt(NAMES.size())), value(random));
    }
    if (random.nextBoolean()) {
      params.put("ConversationSid", sid(random, random.nextBoolean() ? "CH" : "XX"));
      params.put("TaskSid", sid(random, "WT"));
      params.put("MessageSid", sid(random, "IM"));
    }
    return params;
  }

  private static String value(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> sid(random, List.of("CH", "WT", "WR", "WK", "IM", "IS", "EV", "zz").get(random.nextInt(8)));
      case 1 -> "{\"conversationSid\":\"" + sid(random, "CH") + "\",\"flexInteractionChannelSid\":\""
          + sid(random, "UO") + "\"}";
      case 2 -> "{not json" + randomText(random, 10);
      case 3 -> "[{\"Filename\":\"a.exe\",\"ContentType\":\"application/x\",\"Size\":" + random.nextInt() + "}]";
      case 4 -> "4111 1111 1111 1111";
      case 5 -> "日本語テキスト 🚀 \u202e\ufeff";
      case 6 -> List.of("closed", "inactive", "active", "bogus").get(random.nextInt(4));
      case 7 -> "";
      default -> randomText(random, random.nextInt(200));
    };
  }

  private static String brokenBody(Random random) {
    return switch (random.nextInt(4)) {
      case 0 -> "EventType=%E0%A4%A&TaskSid=%";
      case 1 -> "{\"EventType\":\"task.completed\"}";
      case 2 -> "&&&===&EventType";
      default -> randomText(random, random.nextInt(500));
    };
  }

  private static String sid(Random random, String prefix) {
    StringBuilder sid = new StringBuilder(prefix);
    int length = random.nextInt(10) == 0 ? random.nextInt(40) : 32;
    for (int i = 0; i < length; i++) {
      sid.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sid.toString();
  }

  private static String randomText(Random random, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append((char) (random.nextInt(3) == 0 ? 0x20 + random.nextInt(0x2FF) : 0x21 + random.nextInt(94)));
    }
    return text.toString();
  }

  /** Header values must be visible ASCII (the HTTP client refuses anything else). */
  private static String randomSignature(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 28; i++) {
      text.append((char) (0x21 + random.nextInt(94)));
    }
    return text.toString();
  }

  private static String abbreviate(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "…";
  }
}
