package io.flexorchestrator.policy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The {@code cbm_attachments} of one Flex {@code channel_configs} entry, as Twilio names it. */
public record CbmAttachments(
    @JsonProperty("enabled") boolean enabled,
    @JsonProperty("number_of_attachments") int numberOfAttachments,
    @JsonProperty("max_file_size") long maxFileSize,
    @JsonProperty("max_total_file_size") long maxTotalFileSize,
    @JsonProperty("accepted_extensions") List<String> acceptedExtensions) {

  static final Set<String> FIELDS = Set.of("enabled", "number_of_attachments", "max_file_size",
      "max_total_file_size", "accepted_extensions");

  public CbmAttachments {
    acceptedExtensions = acceptedExtensions == null ? List.of() : List.copyOf(acceptedExtensions);
  }

  public boolean accepts(String extension) {
    return extension != null && acceptedExtensions.contains(extension);
  }

  /** The form Flex takes in {@code channel_configs[].cbm_attachments}. */
  public Map<String, Object> toFlex() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("enabled", enabled);
    m.put("number_of_attachments", numberOfAttachments);
    m.put("max_file_size", maxFileSize);
    m.put("max_total_file_size", maxTotalFileSize);
    m.put("accepted_extensions", acceptedExtensions);
    return m;
  }

  /**
   * Reads a {@code cbm_attachments} object from Flex; missing or malformed fields take the
   * fallback's value (Flex is lenient, we are not strict about what it sends us).
   */
  static CbmAttachments fromFlex(Object raw, CbmAttachments fallback) {
    if (!(raw instanceof Map<?, ?> m)) {
      return fallback;
    }
    return new CbmAttachments(
        m.get("enabled") instanceof Boolean b ? b : fallback.enabled(),
        m.get("number_of_attachments") instanceof Number n ? n.intValue() : fallback.numberOfAttachments(),
        m.get("max_file_size") instanceof Number n ? n.longValue() : fallback.maxFileSize(),
        m.get("max_total_file_size") instanceof Number n ? n.longValue() : fallback.maxTotalFileSize(),
        m.get("accepted_extensions") instanceof List<?> l ? extensions(l) : fallback.acceptedExtensions());
  }

  private static List<String> extensions(List<?> list) {
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (o != null) {
        out.add(normaliseExtension(o.toString()));
      }
    }
    return out;
  }

  static String normaliseExtension(String ext) {
    String e = ext.trim().toLowerCase(Locale.ROOT);
    return e.startsWith(".") ? e.substring(1) : e;
  }

  /**
   * Validates an operator's PUT body (all five fields, nothing else) and returns it, or throws
   * {@link IllegalArgumentException} with a message for the 400.
   */
  static CbmAttachments validate(Map<String, Object> body) {
    if (body == null) {
      throw new IllegalArgumentException("a JSON object with the cbm_attachments fields is required");
    }
    for (String key : body.keySet()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException("unknown field " + key + "; expected " + FIELDS);
      }
    }
    for (String field : FIELDS) {
      if (body.get(field) == null) {
        throw new IllegalArgumentException(field + " is required");
      }
    }
    if (!(body.get("enabled") instanceof Boolean enabled)) {
      throw new IllegalArgumentException("enabled must be true or false");
    }
    int count = integer(body, "number_of_attachments", 0, 100);
    long maxFile = longValue(body, "max_file_size", 1, Long.MAX_VALUE);
    long maxTotal = longValue(body, "max_total_file_size", 1, Long.MAX_VALUE);
    if (maxTotal < maxFile) {
      throw new IllegalArgumentException("max_total_file_size must not be smaller than max_file_size");
    }
    if (!(body.get("accepted_extensions") instanceof List<?> list)) {
      throw new IllegalArgumentException("accepted_extensions must be an array of file extensions");
    }
    List<String> extensions = new ArrayList<>();
    for (Object o : list) {
      String ext = o instanceof String s ? normaliseExtension(s) : null;
      if (ext == null || !ext.matches("[a-z0-9]{1,10}")) {
        throw new IllegalArgumentException("accepted_extensions must contain extensions such as \"pdf\"");
      }
      if (!extensions.contains(ext)) {
        extensions.add(ext);
      }
    }
    return new CbmAttachments(enabled, count, maxFile, maxTotal, extensions);
  }

  private static int integer(Map<String, Object> body, String field, long min, long max) {
    long value = longValue(body, field, min, max);
    return (int) value;
  }

  private static long longValue(Map<String, Object> body, String field, long min, long max) {
    Object v = body.get(field);
    if (!(v instanceof Number n) || v instanceof Double || v instanceof Float
        || n.longValue() < min || n.longValue() > max) {
      throw new IllegalArgumentException(field + " must be an integer"
          + (max == Long.MAX_VALUE ? " of at least " + min : " from " + min + " to " + max));
    }
    return n.longValue();
  }
}
