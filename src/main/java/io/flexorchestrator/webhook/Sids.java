package io.flexorchestrator.webhook;

import java.util.regex.Pattern;

/** Twilio SID shapes: a two-letter prefix and 32 hex digits. */
public final class Sids {

  private static final Pattern HEX32 = Pattern.compile("[0-9a-fA-F]{32}");

  private Sids() {}

  public static boolean is(String value, String prefix) {
    return value != null && value.length() == 34 && value.startsWith(prefix)
        && HEX32.matcher(value.substring(2)).matches();
  }

  /** The value if it is a SID of that prefix; otherwise a 400 naming the parameter. */
  public static String require(String value, String prefix, String parameter) {
    if (value == null || value.isBlank()) {
      throw WebhookRejection.badRequest("missing required parameter " + parameter);
    }
    if (!is(value, prefix)) {
      throw WebhookRejection.badRequest(parameter + " must be a " + prefix + "… SID");
    }
    return value;
  }

  public static String optional(String value, String prefix, String parameter) {
    return value == null || value.isEmpty() ? null : require(value, prefix, parameter);
  }
}
