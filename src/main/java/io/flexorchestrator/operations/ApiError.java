package io.flexorchestrator.operations;

import java.util.Map;

/** A 4xx of the operations API with a message for the caller, and optional further fields. */
public class ApiError extends RuntimeException {

  private final int status;
  private final Map<String, Object> details;

  public ApiError(int status, String message) {
    this(status, message, Map.of());
  }

  public ApiError(int status, String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.status = status;
    this.details = details;
  }

  public int status() {
    return status;
  }

  /** Fields of the JSON answer besides {@code error}. */
  public Map<String, Object> details() {
    return details;
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }
}
