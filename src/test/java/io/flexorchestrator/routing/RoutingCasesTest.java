package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The analysts' routing test cases, {@code processes/routing-decision.cases.csv}, against the
 * routing table {@code processes/routing-decision.dmn}: one test per row, named by its line and
 * case, whose failure says what the table decided instead; and every rule of the table has a case.
 */
class RoutingCasesTest {

  static final Path TABLE = Path.of("processes/routing-decision.dmn");
  static final Path CASES = Path.of("processes/routing-decision.cases.csv");

  private static final RoutingTable table = table();
  private static final RoutingCases cases = cases();

  @TestFactory
  Stream<DynamicTest> everyCase() {
    assertThat(cases.cases()).as("cases in " + CASES).isNotEmpty();
    return cases.cases().stream().map(routingCase -> DynamicTest.dynamicTest(
        "line " + routingCase.line() + ": " + routingCase.name(), () -> {
          RoutingCases.Result result = cases.run(routingCase, table);
          if (!result.passed()) {
            fail(result.message());
          }
        }));
  }

  @Test
  void everyRuleOfTheTableHasACase() {
    assertThat(cases.rulesWithoutCase(table))
        .as("rules of %s without a case in %s: add a row whose inputs reach each", TABLE, CASES)
        .isEmpty();
  }

  private static RoutingTable table() {
    try {
      return RoutingTable.parse(MatchedRules.standaloneEngine(), Files.readAllBytes(TABLE));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RoutingCases cases() {
    try {
      return RoutingCases.read(CASES.toString(), Files.readString(CASES, StandardCharsets.UTF_8), table);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
