package io.flexorchestrator.simulator;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Twilio SIDs: a two-letter prefix and 32 lowercase hex digits. */
final class Sids {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Sids() {}

  static String next(String prefix) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return prefix + HexFormat.of().formatHex(bytes);
  }

  static boolean looksLike(String prefix, String value) {
    return value != null && value.matches(prefix + "[0-9a-fA-F]{32}");
  }
}
