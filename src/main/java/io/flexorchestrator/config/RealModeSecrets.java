package io.flexorchestrator.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * What real mode (Twilio credentials set) refuses to start with, checked before any bean exists:
 * no operator account, the sandbox's account name, and a missing, built-in or short key of the
 * customer pseudonyms (a pseudonym made with a public key is reversed by hashing phone numbers).
 * The admin password is checked against Camunda's password policy once the engine is built
 * ({@code security.RealModeGuard}).
 */
final class RealModeSecrets {

  static final String KEY_PROPERTY = "orchestrator.routing.customer-identity-key";
  static final int MIN_KEY_LENGTH = 32;

  private RealModeSecrets() {}

  static List<String> problems(Environment env) {
    List<String> problems = new ArrayList<>();
    String adminId = env.getProperty("camunda.bpm.admin-user.id");
    if (!StringUtils.hasText(adminId) || !StringUtils.hasText(env.getProperty("camunda.bpm.admin-user.password"))) {
      problems.add("set CAMUNDA_BPM_ADMINUSER_ID and CAMUNDA_BPM_ADMINUSER_PASSWORD (the operator"
          + " account for Cockpit, /engine-rest and /api); there is no default password outside the sandbox");
    } else if (SandboxDefaults.ADMIN_USER.equalsIgnoreCase(adminId.trim())) {
      problems.add("CAMUNDA_BPM_ADMINUSER_ID=" + adminId + " is the sandbox's account, never valid"
          + " outside the sandbox: choose another operator name");
    }
    String key = env.getProperty(KEY_PROPERTY);
    if (!StringUtils.hasText(key)) {
      problems.add("set ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY (the secret key of customer"
          + " pseudonyms, at least " + MIN_KEY_LENGTH + " characters, e.g. `openssl rand -hex 32`;"
          + " keep it stable and the same on every node)");
    } else if (SandboxDefaults.CUSTOMER_IDENTITY_KEY.equals(key.trim())) {
      problems.add("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY is the sandbox's built-in key, which is"
          + " public: set a secret one of at least " + MIN_KEY_LENGTH + " characters");
    } else if (key.trim().length() < MIN_KEY_LENGTH) {
      problems.add("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY has " + key.trim().length()
          + " characters: it needs at least " + MIN_KEY_LENGTH + " (e.g. `openssl rand -hex 32`)");
    }
    return problems;
  }

  static IllegalStateException refusal(List<String> problems) {
    return new IllegalStateException("Twilio credentials are set, so this is not sandbox mode, and"
        + " the app refuses to start: " + String.join("; ", problems) + ".");
  }
}
