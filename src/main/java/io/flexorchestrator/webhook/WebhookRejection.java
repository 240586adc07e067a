package io.flexorchestrator.webhook;

/** A webhook refused with a 4xx and a message safe to show (no payload content in it). */
public class WebhookRejection extends RuntimeException {

  private final int status;

  public WebhookRejection(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static WebhookRejection badRequest(String message) {
    return new WebhookRejection(400, message);
  }
}
