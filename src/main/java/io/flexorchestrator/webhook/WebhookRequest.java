package io.flexorchestrator.webhook;

import java.util.Map;

/**
 * One webhook delivery as received: the path and query Twilio signed, the form parameters (first
 * value of each), the signature and the delivery's idempotency token.
 */
public record WebhookRequest(
    String path, String query, Map<String, String> params, String rawBody, boolean json,
    String signature, String idempotencyToken) {

  public String param(String name) {
    return params.get(name);
  }
}
