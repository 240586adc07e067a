package io.flexorchestrator.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.Objects;

/** When two routing outputs mean the same for the lifecycle. */
final class OutputValues {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputValues() {
  }

  /** Equal values; numbers by value (50 = 50L = 50.0), JSON texts by content (key order, spaces). */
  static boolean same(Object a, Object b) {
    if (Objects.equals(a, b)) {
      return true;
    }
    if (a instanceof Number x && b instanceof Number y) {
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }
    if (a instanceof String x && b instanceof String y && looksLikeJson(x) && looksLikeJson(y)) {
      try {
        JsonNode left = JSON.readTree(x);
        JsonNode right = JSON.readTree(y);
        return left.equals(right);
      } catch (Exception notJson) {
        return false;
      }
    }
    return false;
  }

  private static boolean looksLikeJson(String text) {
    String trimmed = text.trim();
    return trimmed.startsWith("{") || trimmed.startsWith("[");
  }
}
