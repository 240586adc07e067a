package io.flexorchestrator.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.util.MultiValueMap;

/**
 * One REST call to the emulation: product, spec path ({@code /v1/...}), its segments after
 * {@code v1}, the merged query and form parameters, the JSON body (if any) and whether
 * Conversations webhooks are wanted ({@code X-Twilio-Webhook-Enabled: true}).
 */
record SimRequest(String method, String product, String path, List<String> segments,
    MultiValueMap<String, String> params, Map<String, Object> json, boolean webhookEnabled) {

  static List<String> segmentsOf(String path) {
    List<String> parts = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    if (!parts.isEmpty() && parts.get(0).equals("v1")) {
      parts.remove(0);
    }
    return parts;
  }

  String param(String name) {
    return params.getFirst(name);
  }

  List<String> all(String name) {
    List<String> values = params.get(name);
    return values == null ? List.of() : values;
  }

  boolean has(String name) {
    return params.containsKey(name);
  }

  Integer intParam(String name) {
    String v = param(name);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw SimError.invalid("Invalid " + name + ": " + v);
    }
  }

  int size() {
    return segments.size();
  }

  String seg(int i) {
    return i < segments.size() ? segments.get(i) : null;
  }

  boolean is(String m, int size) {
    return method.equals(m) && segments.size() == size;
  }
}
