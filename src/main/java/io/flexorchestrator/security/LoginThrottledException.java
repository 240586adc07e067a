package io.flexorchestrator.security;

import java.time.Duration;
import org.springframework.security.core.AuthenticationException;

/** The client address made too many failed logins: answered 429 with {@code Retry-After}. */
public class LoginThrottledException extends AuthenticationException {

  private final Duration retryAfter;

  public LoginThrottledException(Duration retryAfter) {
    super("too many failed logins from this address");
    this.retryAfter = retryAfter;
  }

  /** Whole seconds, at least 1, as {@code Retry-After} wants them. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
  }
}
