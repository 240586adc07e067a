package io.flexorchestrator.delegate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * The task attributes both orchestration modes route with: the routing decision's extra
 * attributes, the conversation, its channel type and the customer's language, tier and
 * autoAnswer flag when the conversation's attributes carry them.
 */
@Component
public class RoutingAttributes {

  private final ObjectMapper mapper;

  public RoutingAttributes(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  /** A new, mutable map: each mode adds its own attributes to it. */
  public Map<String, Object> of(DelegateExecution execution, String conversationSid) {
    Map<String, Object> attributes = new LinkedHashMap<>(parse(text(execution, "extraTaskAttributes")));
    attributes.put("conversationSid", conversationSid);
    attributes.put("channelType", text(execution, "channelType"));
    putIfPresent(attributes, "language", text(execution, "customerLanguage"));
    putIfPresent(attributes, "tier", text(execution, "customerTier"));
    putIfPresent(attributes, "autoAnswer", text(execution, "autoAnswer"));
    return attributes;
  }

  /** Puts the value unless it is null or blank. */
  public static void putIfPresent(Map<String, Object> map, String key, Object value) {
    if (value != null && !(value instanceof String s && s.isBlank())) {
      map.put(key, value);
    }
  }

  /** A JSON object as a map; anything else (null, blank, not an object) as an empty one. */
  public Map<String, Object> parse(String value) {
    if (value == null || value.isBlank()) {
      return Map.of();
    }
    try {
      return mapper.readValue(value, new TypeReference<>() {});
    } catch (Exception notAnObject) {
      return Map.of();
    }
  }

  private static String text(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? null : value.toString();
  }
}
