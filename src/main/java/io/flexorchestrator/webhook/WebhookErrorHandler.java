package io.flexorchestrator.webhook;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Webhook refusals as clear JSON; anything unexpected as a 503 Twilio will retry, never a trace. */
@RestControllerAdvice(assignableTypes = WebhookController.class)
public class WebhookErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(WebhookErrorHandler.class);
  private final WebhookMetrics metrics;
  private final RefusalLog refusals;

  public WebhookErrorHandler(WebhookMetrics metrics, RefusalLog refusals) {
    this.metrics = metrics;
    this.refusals = refusals;
  }

  @ExceptionHandler(WebhookRejection.class)
  ResponseEntity<Map<String, String>> rejected(WebhookRejection e, HttpServletRequest request) {
    metrics.rejected(request.getRequestURI(), e.status());
    refusals.refused(log, request.getRequestURI(), e.status(), e.getMessage());
    return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", e.getMessage()));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, String>> failed(Exception e, HttpServletRequest request) {
    metrics.rejected(request.getRequestURI(), 503);
    log.error("Webhook {} could not be stored; Twilio will redeliver it", request.getRequestURI(), e);
    return ResponseEntity.status(503).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", "temporarily unavailable, please retry"));
  }
}
