package io.flexorchestrator.policy;

import io.flexorchestrator.webhook.SignatureVerifier;
import io.flexorchestrator.webhook.WebhookRequest;
import io.flexorchestrator.webhook.WebhookRequestReader;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Conversations pre-event webhooks (contract section 2): {@code onMessageAdd} and
 * {@code onMessageUpdate} go through the policy chain of their address type; 200 {@code {}}
 * accepts unchanged, 200 with {@code body}/{@code attributes} accepts modified, 4xx with
 * {@code {"error": reason}} rejects (Twilio shows the reason to the sender's SDK).
 * {@code onConversationAdd} may get a neutral friendly name and is refused for blocked senders.
 * Anything else is accepted unchanged. Nothing is stored: pre-events have no lasting effect here.
 */
@RestController
public class PreEventController {

  private static final Logger log = LoggerFactory.getLogger(PreEventController.class);

  private final WebhookRequestReader reader;
  private final SignatureVerifier verifier;
  private final PreEventParser parser;
  private final PolicyChain chain;
  private final FriendlyNameNormaliser friendlyNames;
  private final SenderBlocklistRule senders;
  private final RecentRejections rejections;
  private final PolicyProperties properties;
  private final PolicyMetrics metrics;

  public PreEventController(WebhookRequestReader reader, SignatureVerifier verifier,
      PreEventParser parser, PolicyChain chain, FriendlyNameNormaliser friendlyNames,
      SenderBlocklistRule senders, RecentRejections rejections, PolicyProperties properties,
      PolicyMetrics metrics) {
    this.reader = reader;
    this.verifier = verifier;
    this.parser = parser;
    this.chain = chain;
    this.friendlyNames = friendlyNames;
    this.senders = senders;
    this.rejections = rejections;
    this.properties = properties;
    this.metrics = metrics;
  }

  @PostMapping(path = "/webhooks/conversations/pre-event", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<Map<String, Object>> preEvent(HttpServletRequest http) {
    long started = System.nanoTime();
    WebhookRequest request = reader.read(http);
    verifier.verify(request);
    String eventType = request.param("EventType");
    if (!properties.isEnabled() || eventType == null) {
      return ResponseEntity.ok(Map.of());
    }
    ResponseEntity<Map<String, Object>> answer;
    String outcome;
    switch (eventType) {
      case "onMessageAdd", "onMessageUpdate" -> {
        PolicyResult result = chain.evaluate(parser.message(request));
        outcome = outcome(result);
        answer = answer(result);
      }
      case "onConversationAdd" -> {
        PolicyResult result = conversationAdd(request);
        outcome = outcome(result);
        answer = result.decision() == RuleOutcome.Decision.REJECT ? answer(result)
            : ResponseEntity.ok(result.body() == null ? Map.of() : Map.of("friendly_name", result.body()));
      }
      default -> {
        outcome = "ignored";
        answer = ResponseEntity.ok(Map.of());
      }
    }
    metrics.evaluated(eventType.length() > 40 ? "other" : eventType, outcome,
        System.nanoTime() - started);
    return answer;
  }

  private PolicyResult conversationAdd(WebhookRequest request) {
    String address = request.param("MessagingBinding.Address");
    String type = AddressTypes.of(request.param("MessagingBinding.Type"), address,
        request.param("Source"));
    if (chain.inChain(type, SenderBlocklistRule.NAME) && senders.isBlocked(address)) {
      metrics.decision(SenderBlocklistRule.NAME, "reject", type);
      String reason = properties.getSenderBlocklist().getReason();
      rejections.record(new RecentRejections.Rejection(Instant.now(), null, "onConversationAdd",
          type, SenderBlocklistRule.NAME, 403, reason));
      return PolicyResult.rejected(SenderBlocklistRule.NAME, 403, reason);
    }
    String name = null;
    PolicyProperties.FriendlyName settings = friendlyNames.settings();
    try {
      name = friendlyNames.normalise(request.param("FriendlyName"), type,
          Deadline.in(settings.getBudget().toNanos()));
      metrics.decision(FriendlyNameNormaliser.NAME, name == null ? "accept" : "modify", type);
    } catch (RuntimeException e) {
      boolean closed = settings.getFailMode() == PolicyProperties.FailMode.CLOSED;
      metrics.decision(FriendlyNameNormaliser.NAME, closed ? "error-closed" : "error-open", type);
      log.warn("pre-event rule {} failed on onConversationAdd ({}): {}", FriendlyNameNormaliser.NAME,
          e.getClass().getSimpleName(), closed ? "fail-closed, rejected" : "fail-open, skipped");
      if (closed) {
        rejections.record(new RecentRejections.Rejection(Instant.now(), null, "onConversationAdd",
            type, FriendlyNameNormaliser.NAME, 422, PolicyChain.UNCHECKED_REASON));
        return PolicyResult.rejected(FriendlyNameNormaliser.NAME, 422, PolicyChain.UNCHECKED_REASON);
      }
    }
    return name == null ? PolicyResult.accepted() : PolicyResult.modified(name, null);
  }

  private static String outcome(PolicyResult result) {
    return switch (result.decision()) {
      case ACCEPT -> "accepted";
      case MODIFY -> "modified";
      case REJECT -> "rejected";
    };
  }

  private static ResponseEntity<Map<String, Object>> answer(PolicyResult result) {
    switch (result.decision()) {
      case REJECT:
        return ResponseEntity.status(result.status()).contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("error", result.reason()));
      case MODIFY:
        Map<String, Object> body = new LinkedHashMap<>();
        if (result.body() != null) {
          body.put("body", result.body());
        }
        if (result.attributes() != null) {
          body.put("attributes", result.attributes());
        }
        return ResponseEntity.ok(body);
      default:
        return ResponseEntity.ok(Map.of());
    }
  }
}
