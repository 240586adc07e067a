package io.flexorchestrator.policy;

import io.flexorchestrator.webhook.RefusalLog;
import io.flexorchestrator.webhook.WebhookRejection;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Pre-event refusals as JSON, like the other webhooks (403 signature, 413 size, 400 malformed).
 * Anything unexpected rejects the message (422): a 5xx would make Twilio publish it unchanged,
 * unmasked.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(assignableTypes = PreEventController.class)
public class PreEventErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(PreEventErrorHandler.class);
  private final PolicyMetrics metrics;
  private final RefusalLog refusals;

  public PreEventErrorHandler(PolicyMetrics metrics, RefusalLog refusals) {
    this.metrics = metrics;
    this.refusals = refusals;
  }

  @ExceptionHandler(WebhookRejection.class)
  ResponseEntity<Map<String, String>> refused(WebhookRejection e, HttpServletRequest request) {
    metrics.evaluated("any", "refused-" + e.status(), 0);
    refusals.refused(log, request.getRequestURI(), e.status(), e.getMessage());
    return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, String>> failed(Exception e, HttpServletRequest request) {
    metrics.evaluated("any", "failed", 0);
    // no stack trace at INFO and above: exception messages may quote parts of the payload
    log.error("Pre-event could not be checked ({}); rejected (fail-closed)", e.getClass().getName());
    log.debug("Pre-event failure", e);
    return ResponseEntity.status(422).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", PolicyChain.UNCHECKED_REASON));
  }
}
