package io.flexorchestrator.operations;

import io.flexorchestrator.webhook.Inbox;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Read side of the operations API: one interaction, and the inbox's stuck events. */
@RestController
public class InteractionsController {

  private final InteractionView interactions;
  private final Inbox inbox;

  public InteractionsController(InteractionView interactions, Inbox inbox) {
    this.interactions = interactions;
    this.inbox = inbox;
  }

  @GetMapping("/api/interactions/{conversationSid}")
  public Map<String, Object> interaction(@PathVariable String conversationSid) {
    return interactions.of(conversationSid);
  }

  /** Webhook events by status: {@code DEAD} (dead-lettered) or {@code PENDING} (waiting). */
  @GetMapping("/api/inbox")
  public List<Map<String, Object>> inbox(@RequestParam(defaultValue = "DEAD") String status,
      @RequestParam(required = false) String conversationSid,
      @RequestParam(defaultValue = "100") int limit) {
    Inbox.Status wanted;
    try {
      wanted = Inbox.Status.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("status must be one of PENDING, DONE, IGNORED, DEAD");
    }
    return inbox.list(wanted, conversationSid, Math.max(1, Math.min(limit, 1000)));
  }
}
