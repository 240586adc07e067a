package io.flexorchestrator.operations;

import io.flexorchestrator.security.ClientRequestLimit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Errors of /api as JSON {@code {"error": …}}; never a stack trace. */
@RestControllerAdvice(basePackages = "io.flexorchestrator.operations")
public class ApiErrorHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

  @ExceptionHandler(ApiError.class)
  ResponseEntity<Map<String, Object>> apiError(ApiError e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.putAll(e.details());
    return ResponseEntity.status(e.status()).body(body);
  }

  @ExceptionHandler({HttpMessageNotReadableException.class, MethodArgumentTypeMismatchException.class})
  ResponseEntity<Map<String, Object>> unreadable(Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ClientRequestLimit.BodyReadTimeoutException slow) {
        return ResponseEntity.status(408).body(Map.of("error", slow.getMessage()));
      }
    }
    return ResponseEntity.badRequest().body(Map.of("error", "request body or parameter is not valid"));
  }

  @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
  ResponseEntity<Map<String, Object>> mediaType(Exception e) {
    return ResponseEntity.status(415).body(Map.of("error", "send application/json"));
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Map<String, Object>> method(Exception e) {
    return ResponseEntity.status(405).body(Map.of("error", "method not allowed"));
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e) {
    log.error("Operations API failed", e);
    return ResponseEntity.status(503).body(Map.of("error", "temporarily unavailable"));
  }
}
