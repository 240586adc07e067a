package io.flexorchestrator.policy;

/**
 * What one rule decided: accept (unchanged), modify (the body and/or attributes it changed) or
 * reject (a status and a reason safe to show the sender: never the message content).
 */
public record RuleOutcome(Decision decision, String body, String attributes, int status,
    String reason, String detail) {

  public enum Decision { ACCEPT, MODIFY, REJECT }

  private static final RuleOutcome ACCEPTED = new RuleOutcome(Decision.ACCEPT, null, null, 0, null, null);

  public static RuleOutcome accept() {
    return ACCEPTED;
  }

  /** body or attributes may be null = unchanged; detail is a content-free note for metrics/logs. */
  public static RuleOutcome modify(String body, String attributes, String detail) {
    return new RuleOutcome(Decision.MODIFY, body, attributes, 0, null, detail);
  }

  public static RuleOutcome reject(int status, String reason) {
    return new RuleOutcome(Decision.REJECT, null, null, status, reason, null);
  }
}
