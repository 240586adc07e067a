package io.flexorchestrator.webhook;

import io.flexorchestrator.lifecycle.InboxProcessor;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.MDC;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Twilio → app (contract section 2). Each delivery is verified, parsed, stored in the inbox and
 * committed before it is acknowledged; it is applied to the lifecycle after the answer.
 */
@RestController
public class WebhookController {

  private final WebhookRequestReader reader;
  private final SignatureVerifier verifier;
  private final ConversationEventParser conversations;
  private final TaskRouterEventParser taskRouter;
  private final Inbox inbox;
  private final InboxProcessor processor;
  private final WebhookMetrics metrics;

  public WebhookController(WebhookRequestReader reader, SignatureVerifier verifier,
      ConversationEventParser conversations, TaskRouterEventParser taskRouter, Inbox inbox,
      InboxProcessor processor, WebhookMetrics metrics) {
    this.reader = reader;
    this.verifier = verifier;
    this.conversations = conversations;
    this.taskRouter = taskRouter;
    this.inbox = inbox;
    this.processor = processor;
    this.metrics = metrics;
  }

  @PostMapping("/webhooks/conversations")
  public ResponseEntity<Void> conversations(HttpServletRequest http) {
    receive(http, "conversations", conversations::parse);
    return ResponseEntity.ok().build();
  }

  @PostMapping("/webhooks/taskrouter")
  public ResponseEntity<Void> taskRouter(HttpServletRequest http) {
    receive(http, "taskrouter", taskRouter::parse);
    return ResponseEntity.noContent().header("Content-Type", MediaType.APPLICATION_JSON_VALUE).build();
  }

  private void receive(HttpServletRequest http, String endpoint,
      Function<WebhookRequest, Optional<InboxEvent>> parser) {
    long started = System.nanoTime();
    WebhookRequest request = reader.read(http);
    verifier.verify(request);
    Optional<InboxEvent> event = parser.apply(request);
    try {
      event.map(InboxEvent::conversationSid).ifPresent(sid -> MDC.put("conversationSid", sid));
      String outcome = "ignored";
      if (event.isPresent()) {
        Optional<Long> id = inbox.accept(event.get());
        outcome = id.isPresent() ? "accepted" : "duplicate";
        id.ifPresent(processor::submit);
      }
      metrics.received(endpoint, request.param("EventType"), outcome, System.nanoTime() - started);
    } finally {
      MDC.remove("conversationSid");
    }
  }
}
