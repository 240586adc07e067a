package io.flexorchestrator.logging;

import java.util.regex.Pattern;

/** Masks customer addresses (phone numbers, emails) before they reach a log line. */
public final class Masking {

  private static final Pattern PHONE = Pattern.compile("(?<!\\w)(\\+?\\d{2,4})\\d{3,}(\\d{4})(?!\\w)");
  private static final Pattern EMAIL = Pattern.compile("([A-Za-z0-9])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+)");

  private Masking() {}

  /** {@code +15551230001} → {@code +155***0001}, {@code jane@x.com} → {@code j***@x.com}. */
  public static String mask(String text) {
    if (text == null) {
      return null;
    }
    String masked = PHONE.matcher(text).replaceAll("$1***$2");
    return EMAIL.matcher(masked).replaceAll("$1***$2");
  }
}
