package io.flexorchestrator.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON helpers of the simulator (its own mapper: Twilio keeps nulls in its answers). */
final class SimJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private SimJson() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not serializable", e);
    }
  }

  /** A JSON object from a string; a clear 400 when it is not one. */
  static Map<String, Object> object(String json, String what) {
    if (json == null || json.isBlank()) {
      return new LinkedHashMap<>();
    }
    try {
      Object parsed = MAPPER.readValue(json, Object.class);
      if (parsed instanceof Map<?, ?>) {
        return MAPPER.convertValue(parsed, new TypeReference<LinkedHashMap<String, Object>>() {});
      }
    } catch (JsonProcessingException e) {
      // falls through
    }
    throw SimError.invalid("Invalid JSON in parameter " + what);
  }

  /** An object-valued attributes string, or an empty object when it is not JSON. */
  static Map<String, Object> lenientObject(String json) {
    try {
      return object(json, "attributes");
    } catch (SimError e) {
      return new LinkedHashMap<>();
    }
  }

  /** ISO-8601 as Twilio writes it: seconds precision, Z. */
  static String iso(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
  }

  static String str(Object value) {
    return value == null ? null : value.toString();
  }

  /** A phone-like address masked for logs: +1555***0001. */
  static String mask(String address) {
    if (address == null) {
      return null;
    }
    String digits = address.replaceAll("[^+0-9]", "");
    if (digits.length() < 8) {
      return address.length() <= 4 ? "***" : address.substring(0, 2) + "***";
    }
    String prefix = address.startsWith("whatsapp:") ? "whatsapp:" : "";
    return prefix + digits.substring(0, 5) + "***" + digits.substring(digits.length() - 4);
  }
}
