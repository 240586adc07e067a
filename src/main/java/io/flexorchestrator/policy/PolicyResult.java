package io.flexorchestrator.policy;

/** The chain's answer to a pre-event: accept, accept modified, or reject by one rule. */
public record PolicyResult(RuleOutcome.Decision decision, String body, String attributes,
    int status, String reason, String rule) {

  static PolicyResult accepted() {
    return new PolicyResult(RuleOutcome.Decision.ACCEPT, null, null, 0, null, null);
  }

  static PolicyResult modified(String body, String attributes) {
    return new PolicyResult(RuleOutcome.Decision.MODIFY, body, attributes, 0, null, null);
  }

  static PolicyResult rejected(String rule, int status, String reason) {
    return new PolicyResult(RuleOutcome.Decision.REJECT, null, null, status, reason, rule);
  }
}
