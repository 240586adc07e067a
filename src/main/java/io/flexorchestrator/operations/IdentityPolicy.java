package io.flexorchestrator.operations;

import io.flexorchestrator.delegate.CustomerPseudonym;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Chat identities the orchestrator creates never carry PII (seed 000): an identity that looks like
 * a phone number or an email address is replaced by its keyed pseudonym ({@link CustomerPseudonym},
 * HMAC-SHA256, stable) or rejected with 400, by {@code orchestrator.identities.pii-policy}
 * ({@code pseudonymize} default | {@code reject}). Other identities are opaque already and kept.
 */
@Component
public class IdentityPolicy {

  private static final Pattern PHONE = Pattern.compile("^(\\w+:)?\\+?[0-9][0-9 ().\\-]{5,}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

  private final CustomerPseudonym pseudonym;
  private final boolean reject;

  public IdentityPolicy(CustomerPseudonym pseudonym,
      @Value("${orchestrator.identities.pii-policy:pseudonymize}") String policy) {
    this.pseudonym = pseudonym;
    this.reject = "reject".equalsIgnoreCase(policy == null ? "" : policy.trim());
  }

  public static boolean looksLikePii(String identity) {
    String value = identity.trim();
    return PHONE.matcher(value).matches() || EMAIL.matcher(value).matches();
  }

  /** The chat identity to use for what the caller sent. */
  public String chatIdentity(String requested) {
    if (!looksLikePii(requested)) {
      return requested.trim();
    }
    if (reject) {
      throw ApiError.badRequest("a chat identity must not be a phone number or an email address"
          + " (orchestrator.identities.pii-policy=reject)");
    }
    return pseudonym.of(requested);
  }
}
