package io.flexorchestrator.routing;

import java.util.Map;

/**
 * What a routing table decided for one set of inputs: the rule and its outputs, or why it could
 * not decide (no rule, several results, an expression that fails), as the lifecycle would meet it.
 */
public record RoutingOutcome(String rule, Map<String, Object> outputs, String error) {

  public static RoutingOutcome decided(String rule, Map<String, Object> outputs) {
    return new RoutingOutcome(rule, outputs, null);
  }

  public static RoutingOutcome failed(String error) {
    return new RoutingOutcome(null, Map.of(), error);
  }

  public boolean ok() {
    return error == null;
  }
}
