package io.flexorchestrator.policy;

/**
 * A point in time a rule must finish by. {@link #guard} wraps text for regex matching so that the
 * matcher itself stops at the deadline (a {@link java.util.regex.Matcher} reads its input through
 * {@link CharSequence#charAt}), which bounds even catastrophic backtracking.
 */
public final class Deadline {

  /** Thrown when a rule runs over its budget. */
  public static final class Exceeded extends RuntimeException {
    Exceeded() {
      super("time budget exceeded", null, false, false);
    }
  }

  private final long atNanos;

  private Deadline(long atNanos) {
    this.atNanos = atNanos;
  }

  public static Deadline in(long nanos) {
    return new Deadline(System.nanoTime() + nanos);
  }

  public static Deadline none() {
    return new Deadline(Long.MAX_VALUE);
  }

  public long atNanos() {
    return atNanos;
  }

  public boolean passed() {
    return atNanos != Long.MAX_VALUE && System.nanoTime() - atNanos > 0;
  }

  public void check() {
    if (passed()) {
      throw new Exceeded();
    }
  }

  public CharSequence guard(CharSequence text) {
    return atNanos == Long.MAX_VALUE ? text : new Guarded(text, this, 0, text.length());
  }

  private static final class Guarded implements CharSequence {
    private final CharSequence text;
    private final Deadline deadline;
    private final int start;
    private final int end;
    private int reads;

    Guarded(CharSequence text, Deadline deadline, int start, int end) {
      this.text = text;
      this.deadline = deadline;
      this.start = start;
      this.end = end;
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 0x3FF) == 0) {
        deadline.check();
      }
      return text.charAt(start + index);
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new Guarded(text, deadline, start + from, start + to);
    }

    @Override
    public String toString() {
      return text.subSequence(start, end).toString();
    }
  }
}
