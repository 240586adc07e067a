package io.flexorchestrator.delegate;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The customer's pseudonymous identity for task attributes in taskrouter mode: a keyed hash
 * (HMAC-SHA256) of the customer's address or chat identity, so that the same customer gets the same
 * pseudonym (reporting, known-customer rules) while no phone number ever reaches TaskRouter.
 * Key: {@code orchestrator.routing.customer-identity-key}; set it (and keep it) in production.
 */
@Component
public class CustomerPseudonym {

  private static final Logger log = LoggerFactory.getLogger(CustomerPseudonym.class);
  static final String DEFAULT_KEY = "flex-orchestrator-default-customer-identity-key";

  private final byte[] key;

  public CustomerPseudonym(@Value("${orchestrator.routing.customer-identity-key:}") String key) {
    if (key == null || key.isBlank()) {
      log.warn("orchestrator.routing.customer-identity-key is not set: customer pseudonyms use the "
          + "built-in key (set your own outside the sandbox)");
      key = DEFAULT_KEY;
    }
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code cust_} + 32 hex characters of HMAC-SHA256(key, address); null for a null address. */
  public String of(String address) {
    if (address == null || address.isBlank()) {
      return null;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal(address.trim().getBytes(StandardCharsets.UTF_8));
      return "cust_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
