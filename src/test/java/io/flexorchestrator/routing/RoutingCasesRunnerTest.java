package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@link RoutingCases} reads a cases file and what its failures say (against today's table). */
class RoutingCasesRunnerTest {

  private static final String HEADER = "case,channelType,proxyAddress,customerLanguage,customerTier,"
      + "knownWorkerSid,withinBusinessHours,rule,routingPriority,extraTaskAttributes,routingMode\n";

  private final RoutingTable table = table();

  @Test
  void aWrongExpectationFailsNamingTheLineAndTheCase() {
    RoutingCases cases = read("# a comment line\n" + HEADER
        + "SMS default,sms,+15550001111,en,,,true,rule-sms,5,{},interactions\n"
        + "\n"
        + "VIP customer,sms,+15550001111,en,vip,,true,rule-vip,95,\"{\"\"vip\"\":true}\",interactions\n");
    List<RoutingCases.Result> results = cases.cases().stream().map(c -> cases.run(c, table)).toList();
    assertThat(results.get(0).passed()).isTrue();
    assertThat(results.get(1).passed()).isFalse();
    assertThat(results.get(1).message()).isEqualTo("cases.csv line 5, case \"VIP customer\": "
        + "routingPriority: expected 95, the table decided 50 (decided by rule-vip)");
  }

  @Test
  void aWrongRuleIsNamedWithTheRuleThatDecides() {
    RoutingCases cases = read(HEADER + "Known VIP,sms,,,vip,WK00000000000000000000000000000001,true,rule-vip,,,\n");
    assertThat(cases.run(cases.cases().get(0), table).message()).isEqualTo("cases.csv line 2, case "
        + "\"Known VIP\": rule: expected rule-vip, but rule-known-agent-vip decides (decided by rule-known-agent-vip)");
  }

  @Test
  void emptyCellsAreNotCheckedAndJsonIsComparedByContent() {
    RoutingCases cases = read(HEADER
        + "Known VIP,sms,,,gold,WK1,true,,90,\"{ \"\"vip\"\": true, \"\"known_agent_routing\"\": true }\",\n");
    RoutingCases.Result result = cases.run(cases.cases().get(0), table);
    assertThat(result.passed()).as(result.problems().toString()).isTrue();
    assertThat(result.outcome().rule()).isEqualTo("rule-known-agent-vip");
  }

  @Test
  void quotedEmptyIsTheEmptyTextAndAnEmptyCellIsNotSet() {
    RoutingCases cases = read(HEADER + "Empty worker,sms,,,,\"\",true,rule-sms,,,\n"
        + "No worker,sms,,,,,true,rule-sms,,,\n");
    assertThat(cases.cases().get(0).inputs()).containsEntry("knownWorkerSid", "");
    assertThat(cases.cases().get(1).inputs()).containsEntry("knownWorkerSid", null)
        .containsEntry("withinBusinessHours", true);
    cases.cases().forEach(c -> assertThat(cases.run(c, table).passed()).isTrue());
  }

  @Test
  void semicolonsAsASpreadsheetInManyLocalesWritesThem() {
    RoutingCases cases = read("case;channelType;customerLanguage;rule;routingPriority\n"
        + "\"Spanish; Mexico\";whatsapp;es-MX;rule-spanish;10\n");
    assertThat(cases.cases().get(0).name()).isEqualTo("Spanish; Mexico");
    assertThat(cases.run(cases.cases().get(0), table).passed()).isTrue();
  }

  @Test
  void aCaseNameOverSeveralLinesKeepsTheLineItStartsOn() {
    RoutingCases cases = read(HEADER + "\"Web chat,\nsecond line\",chat,,,,,true,rule-web-chat,11,,\n"
        + "SMS,sms,,,,,true,rule-sms,6,,\n");
    assertThat(cases.run(cases.cases().get(0), table).message()).startsWith("cases.csv line 2, case");
    assertThat(cases.run(cases.cases().get(1), table).message()).startsWith("cases.csv line 4, case \"SMS\"");
  }

  @Test
  void aColumnTheTableDoesNotKnowIsRefusedWithItsLine() {
    assertThatThrownBy(() -> read("# cases\ncase,channelType,customerTeir,routingPriority\nx,sms,vip,50\n"))
        .isInstanceOf(RoutingCases.Malformed.class)
        .hasMessageStartingWith("cases.csv line 2: column \"customerTeir\" is neither an input of the table");
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedWithItsLine() {
    assertThatThrownBy(() -> read(HEADER + "Hours,sms,,,,,yes,rule-sms,5,,\n"))
        .isInstanceOf(RoutingCases.Malformed.class)
        .hasMessage("cases.csv line 2: withinBusinessHours must be true or false, not \"yes\"");
  }

  @Test
  void anUnclosedQuoteAndAMissingNameAreRefused() {
    assertThatThrownBy(() -> read(HEADER + "\"Unclosed,sms\n"))
        .hasMessage("cases.csv line 2: a quoted field that starts on this line is never closed");
    assertThatThrownBy(() -> read(HEADER + ",sms,,,,,true,,,,\n"))
        .hasMessageContaining("line 2: the case has no name");
    assertThatThrownBy(() -> read("channelType,routingPriority\nsms,5\n"))
        .hasMessageContaining("line 1: the header needs a column \"case\"");
  }

  @Test
  void aRuleNoCaseReachesIsListed() {
    RoutingCases cases = read(HEADER + "SMS,sms,,,,,true,,,,\nDefault,,,,,,,,,,\n");
    assertThat(cases.rulesWithoutCase(table)).doesNotContain("rule-sms", "rule-default")
        .contains("rule-vip", "rule-out-of-hours");
  }

  private RoutingCases read(String csv) {
    return RoutingCases.read("cases.csv", csv, table);
  }

  private static RoutingTable table() {
    try {
      return RoutingTable.parse(MatchedRules.standaloneEngine(), Files.readAllBytes(RoutingCasesTest.TABLE));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
