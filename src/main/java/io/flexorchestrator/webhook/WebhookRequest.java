package io.flexorchestrator.webhook;

import java.util.Map;

/**
 * One webhook delivery as received: the path and query Twilio signed, the parameters (first value
 * of each form field, or the members of a JSON object), the signature and the delivery's
 * idempotency token. {@code bodyError}: why a JSON body gives no parameters; it is only reported
 * (400) when the parameters are read, which is after the signature check, so an unsigned request
 * gets its 403 whatever its body.
 */
public record WebhookRequest(
    String path, String query, Map<String, String> params, String rawBody, boolean json,
    String signature, String idempotencyToken, String bodyError) {

  @Override
  public Map<String, String> params() {
    if (bodyError != null) {
      throw WebhookRejection.badRequest(bodyError);
    }
    return params;
  }

  public String param(String name) {
    return params().get(name);
  }
}
