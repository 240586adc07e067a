package io.flexorchestrator.policy;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Errors of the channel-config API as JSON: 400 for bad input, 502 when Flex refuses or is away. */
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice(assignableTypes = ChannelConfigController.class)
public class ChannelConfigErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(ChannelConfigErrorHandler.class);

  @ExceptionHandler(IllegalArgumentException.class)
  ResponseEntity<Map<String, Object>> invalid(IllegalArgumentException e) {
    return json(400, e.getMessage());
  }

  @ExceptionHandler({HttpMessageNotReadableException.class, HttpMediaTypeNotSupportedException.class})
  ResponseEntity<Map<String, Object>> unreadable(Exception e) {
    return json(400, "the body must be a JSON object with the cbm_attachments fields");
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Map<String, Object>> flexRefused(ApiException e) {
    log.warn("Flex configuration update refused: {} {}", e.getStatusCode(), e.getMessage());
    return json(502, "Flex refused the configuration change: " + e.getMessage());
  }

  @ExceptionHandler(ApiConnectionException.class)
  ResponseEntity<Map<String, Object>> flexUnreachable(ApiConnectionException e) {
    log.warn("Flex configuration not reachable: {}", e.getMessage());
    return json(502, "Flex could not be reached; nothing was changed");
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> failed(Exception e) {
    log.error("channel-config API failed", e);
    return json(500, "internal error");
  }

  private static ResponseEntity<Map<String, Object>> json(int status, String message) {
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .body(Map.of("error", message));
  }
}
