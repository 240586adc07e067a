package io.flexorchestrator.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one lifecycle's routing task decided, kept as the process variable {@value #VARIABLE} (a
 * JSON string, in the history at level {@code audit} like every variable): the routing table
 * version and rule that decided, the inputs the table read and its outputs. The routing what-if
 * evaluates a changed table on these inputs. History level {@code audit} keeps no decision
 * instances, and the lifecycle's own variables may change after routing; this record does not.
 */
public record RoutingRecord(String decisionId, Integer version, String rule,
    Map<String, Object> inputs, Map<String, Object> outputs) {

  public static final String VARIABLE = "routingRecord";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  public RoutingRecord {
    inputs = inputs == null ? Map.of() : inputs;
    outputs = outputs == null ? Map.of() : outputs;
  }

  public String toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("decisionId", decisionId);
    json.put("version", version);
    json.put("rule", rule);
    json.put("inputs", inputs);
    json.put("outputs", outputs);
    try {
      return JSON.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("routing record not serializable", e);
    }
  }

  /** The record of a variable value, or null when it is none. */
  @SuppressWarnings("unchecked")
  public static RoutingRecord fromJson(Object value) {
    if (!(value instanceof String text) || text.isBlank()) {
      return null;
    }
    try {
      Map<String, Object> json = JSON.readValue(text, Map.class);
      Object version = json.get("version");
      return new RoutingRecord((String) json.get("decisionId"),
          version instanceof Number n ? n.intValue() : null, (String) json.get("rule"),
          (Map<String, Object>) json.get("inputs"), (Map<String, Object>) json.get("outputs"));
    } catch (JsonProcessingException | ClassCastException e) {
      return null;
    }
  }
}
