package io.flexorchestrator.webhook;

import com.twilio.security.RequestValidator;
import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.twilio.TwilioProperties;
import java.net.URISyntaxException;
import org.springframework.stereotype.Component;

/**
 * Checks {@code X-Twilio-Signature} with twilio-java's {@link RequestValidator} against the public
 * URL Twilio called ({@code ORCHESTRATOR_PUBLIC_URL} + path + query), never the local one, so it
 * holds behind a proxy. Form bodies are signed with their sorted parameters, JSON bodies through
 * the {@code bodySHA256} query parameter. Never switched off, not even in the sandbox.
 */
@Component
public class SignatureVerifier {

  private final RequestValidator validator;
  private final PublicUrl publicUrl;

  public SignatureVerifier(TwilioProperties twilio, PublicUrl publicUrl) {
    this.validator = new RequestValidator(twilio.authToken());
    this.publicUrl = publicUrl;
  }

  public void verify(WebhookRequest request) {
    if (request.signature() == null || request.signature().isBlank()) {
      throw new WebhookRejection(403, "missing X-Twilio-Signature");
    }
    String url = publicUrl.of(request.path())
        + (request.query() == null || request.query().isEmpty() ? "" : "?" + request.query());
    boolean valid;
    try {
      valid = request.json()
          ? validator.validate(url, request.rawBody(), request.signature())
          : validator.validate(url, request.params(), request.signature());
    } catch (URISyntaxException | RuntimeException e) {
      valid = false;
    }
    if (!valid) {
      throw new WebhookRejection(403, "invalid X-Twilio-Signature");
    }
  }
}
