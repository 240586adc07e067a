package io.flexorchestrator.operations;

/** A 4xx of the operations API with a message for the caller. */
public class ApiError extends RuntimeException {

  private final int status;

  public ApiError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, message);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, message);
  }
}
