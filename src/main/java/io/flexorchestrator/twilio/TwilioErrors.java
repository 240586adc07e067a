package io.flexorchestrator.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading Twilio's errors: what is worth a retry and what is a business outcome. */
public final class TwilioErrors {

  /** Twilio's "binding already in a non-closed conversation" error. */
  public static final int BINDING_IN_OTHER_CONVERSATION = 50416;
  private static final Pattern CONVERSATION_SID = Pattern.compile("CH[0-9a-fA-F]{32}");

  private TwilioErrors() {}

  /** 429, 5xx and connection failures: the engine's retry cycle takes them. */
  public static boolean isRetryable(RuntimeException e) {
    if (e instanceof ApiConnectionException) {
      return true;
    }
    if (e instanceof ApiException api) {
      Integer status = api.getStatusCode();
      return status == null || status == 429 || status >= 500;
    }
    return false;
  }

  public static boolean isNotFound(RuntimeException e) {
    return e instanceof ApiException api && Integer.valueOf(404).equals(api.getStatusCode());
  }

  public static boolean hasCode(RuntimeException e, int code) {
    return e instanceof ApiException api && Integer.valueOf(code).equals(api.getCode());
  }

  /** A client error (4xx other than 429) with its Twilio code. */
  public static boolean isClientError(RuntimeException e) {
    if (e instanceof ApiException api && api.getStatusCode() != null) {
      int status = api.getStatusCode();
      return status >= 400 && status < 500 && status != 429;
    }
    return false;
  }

  /**
   * One short line for a log or a report: status and Twilio code with Twilio's message (customer
   * addresses masked), or why Twilio was not reached. Never a stack trace.
   */
  public static String describe(RuntimeException e) {
    if (e instanceof ApiException api && api.getStatusCode() != null) {
      return "HTTP " + api.getStatusCode() + (api.getCode() == null ? "" : " (Twilio error " + api.getCode()
          + ")") + (api.getMessage() == null ? "" : ": " + io.flexorchestrator.logging.Masking.mask(api.getMessage()));
    }
    if (e instanceof ApiConnectionException) {
      return "Twilio not reachable";
    }
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + io.flexorchestrator.logging.Masking.mask(e.getMessage()));
  }

  /** The conversation SID Twilio names in a 50416 message. */
  public static Optional<String> conversationSidIn(RuntimeException e) {
    if (e.getMessage() == null) {
      return Optional.empty();
    }
    Matcher m = CONVERSATION_SID.matcher(e.getMessage());
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }
}
