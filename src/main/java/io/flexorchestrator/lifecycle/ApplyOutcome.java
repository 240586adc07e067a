package io.flexorchestrator.lifecycle;

/** What applying an inbox event did: applied, ignored for a reason, or not possible yet. */
public record ApplyOutcome(Kind kind, String reason) {

  public enum Kind { APPLIED, IGNORED, NOT_YET, WAIT_TURN }

  /** An earlier event of the same conversation goes first. */
  public static final ApplyOutcome WAIT_TURN =
      new ApplyOutcome(Kind.WAIT_TURN, "an earlier event goes first");

  public static ApplyOutcome applied(String what) {
    return new ApplyOutcome(Kind.APPLIED, what);
  }

  public static ApplyOutcome ignored(String reason) {
    return new ApplyOutcome(Kind.IGNORED, reason);
  }

  public static ApplyOutcome notYet(String reason) {
    return new ApplyOutcome(Kind.NOT_YET, reason);
  }
}
