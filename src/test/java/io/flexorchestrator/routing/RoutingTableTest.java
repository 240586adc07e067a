package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.junit.jupiter.api.Test;

/** Parsing a DMN file as the routing table, and what an evaluation tells. */
class RoutingTableTest {

  private static final DmnEngine ENGINE = MatchedRules.standaloneEngine();

  @Test
  void todaysTableNamesTheRuleThatDecides() throws IOException {
    RoutingTable table = RoutingTable.parse(ENGINE, RoutingTaskListenerTest.today().getBytes(StandardCharsets.UTF_8));
    assertThat(table.hitPolicy()).isEqualTo("FIRST");
    assertThat(table.rules()).containsKeys("rule-vip", "rule-default");
    assertThat(table.inputVariables()).containsExactly("channelType", "proxyAddress", "customerLanguage",
        "customerTier", "knownWorkerSid", "withinBusinessHours");
    Map<String, Object> inputs = new HashMap<>();
    inputs.put("channelType", "chat");
    inputs.put("customerTier", "gold");
    RoutingOutcome outcome = table.evaluate(withAll(inputs));
    assertThat(outcome.rule()).isEqualTo("rule-vip");
    assertThat(outcome.outputs()).containsEntry("routingPriority", 50).containsEntry("taskChannel", "chat");
  }

  @Test
  void aFileThatIsNoRoutingTableIsRefusedWithTheReason() {
    assertThatThrownBy(() -> parse("not xml at all"))
        .isInstanceOf(InvalidRoutingTable.class).hasMessageStartingWith("the file is not a DMN 1.3 model");
    assertThatThrownBy(() -> parse("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"))
        .hasMessage("the DMN file must not contain a DOCTYPE or entity declarations");
    assertThatThrownBy(() -> parse(dmn("other-decision", "<literalExpression><text>1</text></literalExpression>")))
        .hasMessage("the DMN file has no decision with id \"routing-decision\" (decisions in it: other-decision)");
    assertThatThrownBy(() -> parse(dmn("routing-decision", "<literalExpression><text>1</text></literalExpression>")))
        .hasMessage("decision \"routing-decision\" must be a decision table");
    assertThatThrownBy(() -> RoutingTable.parse(ENGINE, new byte[0])).hasMessage("the DMN file is empty");
  }

  @Test
  void severalResultsOrNoneAreWhatTheLifecycleCannotUse() {
    RoutingTable collect = parse(dmn("routing-decision", """
        <decisionTable hitPolicy="COLLECT">
          <input id="i"><inputExpression typeRef="string"><text>channelType</text></inputExpression></input>
          <output id="o" name="routingPriority" typeRef="integer"/>
          <rule id="a"><inputEntry><text>"sms"</text></inputEntry><outputEntry><text>1</text></outputEntry></rule>
          <rule id="b"><inputEntry><text>"sms"</text></inputEntry><outputEntry><text>2</text></outputEntry></rule>
        </decisionTable>"""));
    assertThat(collect.evaluate(Map.of("channelType", "sms")).error())
        .isEqualTo("2 results (rules a, b): the lifecycle needs exactly one (hit policy FIRST or UNIQUE)");
    assertThat(collect.evaluate(Map.of("channelType", "chat")).error())
        .startsWith("no rule matches");
  }

  @Test
  void theVariablesAnInputExpressionReads() {
    assertThat(RoutingTable.variablesOf("customerTier")).containsExactly("customerTier");
    assertThat(RoutingTable.variablesOf("customerTier.toLowerCase()")).containsExactly("customerTier");
    assertThat(RoutingTable.variablesOf("if customerSegment = \"b2b and more\" then proxyAddress else null"))
        .containsExactly("customerSegment", "proxyAddress");
  }

  private static Map<String, Object> withAll(Map<String, Object> inputs) {
    for (String name : RoutingTaskListener.CONTEXT_INPUTS) {
      inputs.putIfAbsent(name, null);
    }
    return inputs;
  }

  private static RoutingTable parse(String xml) {
    return RoutingTable.parse(ENGINE, xml.getBytes(StandardCharsets.UTF_8));
  }

  private static String dmn(String id, String logic) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n">
          <decision id="%s" name="x">%s</decision>
        </definitions>""".formatted(id, logic);
  }
}
