package io.flexorchestrator.lifecycle.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnDecisionRuleResult;
import org.camunda.bpm.engine.DecisionService;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routing table {@code processes/routing-decision.dmn}, evaluated directly (hit policy FIRST). */
@Deployment(resources = "processes/routing-decision.dmn")
class RoutingDecisionTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml").build();

  private static final ObjectMapper JSON = new ObjectMapper();

  DecisionService decisionService;
  final Map<String, Object> inputs = new HashMap<>();

  @BeforeEach
  void setUp() {
    decisionService = extension.getDecisionService();
    // what loadConversationContext provides for an ordinary customer
    inputs.put("channelType", "messenger");
    inputs.put("proxyAddress", "messenger:1234567890");
    inputs.put("customerLanguage", "en");
    inputs.put("customerTier", "standard");
    inputs.put("knownWorkerSid", null);
    inputs.put("withinBusinessHours", true);
  }

  @Test
  @DisplayName("the last rule is the default: default workflow, chat, priority 0, 24h, {}, interactions")
  void defaultRule() {
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("workflowSid", "")
        .containsEntry("taskChannel", "chat")
        .containsEntry("routingPriority", 0)
        .containsEntry("routingTimeout", 86400)
        .containsEntry("extraTaskAttributes", "{}")
        .containsEntry("routingMode", "interactions");
  }

  @Test
  @DisplayName("nothing known at all (every input null) still gets the default routing")
  void allInputsNull() {
    inputs.replaceAll((name, value) -> null);
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingPriority", 0).containsEntry("taskChannel", "chat")
        .containsEntry("routingTimeout", 86400).containsEntry("routingMode", "interactions");
  }

  @ParameterizedTest(name = "tier {0} → priority 50")
  @CsvSource({"vip", "gold"})
  void vipTier(String tier) {
    inputs.put("customerTier", tier);
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingPriority", 50);
    assertThat(attributes(result).path("vip").asBoolean()).isTrue();
  }

  @Test
  @DisplayName("a known worker marks known-agent routing and raises the priority")
  void knownWorker() {
    inputs.put("knownWorkerSid", "WK00000000000000000000000000000001");
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingPriority", 60);
    assertThat(attributes(result).path("known_agent_routing").asBoolean()).isTrue();
  }

  @Test
  @DisplayName("an empty worker SID is no known worker")
  void emptyKnownWorker() {
    inputs.put("knownWorkerSid", "");
    assertThat(evaluate()).containsEntry("routingPriority", 0);
  }

  @Test
  @DisplayName("known worker and VIP: highest priority, both attributes")
  void knownWorkerVip() {
    inputs.put("knownWorkerSid", "WK00000000000000000000000000000001");
    inputs.put("customerTier", "vip");
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingPriority", 90);
    assertThat(attributes(result).path("known_agent_routing").asBoolean()).isTrue();
    assertThat(attributes(result).path("vip").asBoolean()).isTrue();
  }

  @ParameterizedTest(name = "language {0} → language es")
  @CsvSource({"es", "es-MX", "es-ES"})
  void spanish(String language) {
    inputs.put("customerLanguage", language);
    DmnDecisionRuleResult result = evaluate();
    assertThat(attributes(result).path("language").asText()).isEqualTo("es");
    assertThat(result).containsEntry("taskChannel", "chat");
  }

  @Test
  @DisplayName("out of business hours: low priority, 48 hours")
  void outOfHours() {
    inputs.put("withinBusinessHours", false);
    inputs.put("customerTier", "vip");
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingPriority", 0).containsEntry("routingTimeout", 172800);
    assertThat(attributes(result).path("out_of_hours").asBoolean()).isTrue();
  }

  @ParameterizedTest(name = "demo address {0} → taskrouter mode, chat, even out of hours")
  @CsvSource({"+15550003333, true", "+15550003334, false"})
  void taskRouterDemoAddress(String proxyAddress, boolean withinBusinessHours) {
    inputs.put("channelType", "sms");
    inputs.put("proxyAddress", proxyAddress);
    inputs.put("withinBusinessHours", withinBusinessHours);
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("routingMode", "taskrouter").containsEntry("taskChannel", "chat")
        .containsEntry("workflowSid", "");
  }

  @Test
  @DisplayName("other addresses stay in interactions mode")
  void otherAddressesInteractionsMode() {
    inputs.put("channelType", "sms");
    inputs.put("proxyAddress", "+15550001111");
    assertThat(evaluate()).containsEntry("routingMode", "interactions");
  }

  @ParameterizedTest(name = "channel {0} → task channel chat, priority {1}, timeout {2}")
  @CsvSource({"whatsapp, 5, 86400", "sms, 5, 86400", "chat, 10, 3600"})
  void channelDefaults(String channel, int priority, int timeout) {
    inputs.put("channelType", channel);
    DmnDecisionRuleResult result = evaluate();
    assertThat(result).containsEntry("taskChannel", "chat")
        .containsEntry("routingPriority", priority)
        .containsEntry("routingTimeout", timeout)
        .containsEntry("extraTaskAttributes", "{}");
  }

  private DmnDecisionRuleResult evaluate() {
    DmnDecisionRuleResult result = decisionService
        .evaluateDecisionTableByKey("routing-decision", inputs).getSingleResult();
    assertThat(result).as("a rule always matches").isNotNull();
    assertThat(result.keySet()).containsExactlyInAnyOrder("workflowSid", "taskChannel",
        "routingPriority", "routingTimeout", "extraTaskAttributes", "routingMode");
    assertThat(result.values()).doesNotContainNull();
    assertThat(attributes(result).isObject()).isTrue();
    return result;
  }

  private static JsonNode attributes(DmnDecisionRuleResult result) {
    try {
      return JSON.readTree((String) result.get("extraTaskAttributes"));
    } catch (Exception e) {
      throw new AssertionError("extraTaskAttributes is not JSON: " + result, e);
    }
  }
}
