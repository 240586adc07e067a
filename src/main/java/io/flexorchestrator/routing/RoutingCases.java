package io.flexorchestrator.routing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The routing test cases an analyst writes next to the table ({@code processes/routing-decision.cases.csv}):
 * one row per case, a {@code case} name, input columns named like the variables the table reads
 * ({@code channelType}, {@code customerTier}, …) and expected columns named like its outputs
 * ({@code routingPriority}, …) plus {@code rule}, the id of the rule that must decide. An empty
 * cell is an input that is not set, or an output that is not checked; {@code ""} is the empty
 * text. Every problem names the file, the line and the case.
 */
public final class RoutingCases {

  public static final String NAME_COLUMN = "case";
  public static final String RULE_COLUMN = "rule";

  /** One row: what goes in, and what must come out. */
  public record Case(int line, String name, Map<String, Object> inputs, String rule,
      Map<String, String> expected) {}

  /** A case run against a table; {@code problems} is empty when it passed. */
  public record Result(String file, Case routingCase, RoutingOutcome outcome, List<String> problems) {

    public boolean passed() {
      return problems.isEmpty();
    }

    /** E.g. {@code routing-decision.cases.csv line 7, case "VIP customer": routingPriority: expected 95, …}. */
    public String message() {
      return file + " line " + routingCase.line() + ", case \"" + routingCase.name() + "\": "
          + String.join("; ", problems)
          + (outcome.ok() ? " (decided by " + outcome.rule() + ")" : "");
    }
  }

  /** The file cannot be read as cases for this table; the message names the line. */
  public static final class Malformed extends RuntimeException {
    public Malformed(String message) {
      super(message);
    }
  }

  private final String file;
  private final List<Case> cases;

  private RoutingCases(String file, List<Case> cases) {
    this.file = file;
    this.cases = List.copyOf(cases);
  }

  /** Reads the cases of a CSV text, with the table's inputs and outputs as the column names. */
  public static RoutingCases read(String file, String csv, RoutingTable table) {
    List<CsvTable.Row> rows;
    try {
      rows = CsvTable.parse(csv);
    } catch (CsvTable.Malformed e) {
      throw new Malformed(file + " line " + e.line + ": " + e.getMessage());
    }
    if (rows.isEmpty()) {
      throw new Malformed(file + ": no header row (case, the input columns, rule, the output columns)");
    }
    CsvTable.Row header = rows.get(0);
    List<String> columns = header.cells().stream().map(CsvTable.Cell::text).toList();
    check(file, header.line(), columns, table);
    List<Case> cases = new ArrayList<>();
    for (CsvTable.Row row : rows.subList(1, rows.size())) {
      cases.add(toCase(file, row, columns, table));
    }
    return new RoutingCases(file, cases);
  }

  public List<Case> cases() {
    return cases;
  }

  public String file() {
    return file;
  }

  /** Evaluates a case's inputs and compares the decision with what the case expects. */
  public Result run(Case routingCase, RoutingTable table) {
    RoutingOutcome outcome = table.evaluate(routingCase.inputs());
    List<String> problems = new ArrayList<>();
    if (!outcome.ok()) {
      problems.add("the table decides nothing: " + outcome.error());
      return new Result(file, routingCase, outcome, problems);
    }
    if (routingCase.rule() != null && !routingCase.rule().equals(outcome.rule())) {
      problems.add("rule: expected " + routingCase.rule() + ", but " + outcome.rule() + " decides");
    }
    routingCase.expected().forEach((output, expected) -> {
      Object actual = outcome.outputs().get(output);
      if (!matches(expected, actual)) {
        problems.add(output + ": expected " + shown(expected) + ", the table decided "
            + (actual == null ? "nothing (empty)" : shown(actual)));
      }
    });
    return new Result(file, routingCase, outcome, problems);
  }

  /** Rules of the table that no case reaches (by its expected rule or by what decided it). */
  public Set<String> rulesWithoutCase(RoutingTable table) {
    Set<String> uncovered = new LinkedHashSet<>(table.rules().keySet());
    for (Case routingCase : cases) {
      uncovered.remove(routingCase.rule());
      RoutingOutcome outcome = table.evaluate(routingCase.inputs());
      if (outcome.ok()) {
        uncovered.remove(outcome.rule());
      }
    }
    return uncovered;
  }

  private static void check(String file, int line, List<String> columns, RoutingTable table) {
    Set<String> outputs = outputNames(table);
    Set<String> inputs = table.inputVariables();
    if (!columns.contains(NAME_COLUMN)) {
      throw new Malformed(file + " line " + line + ": the header needs a column \"" + NAME_COLUMN
          + "\" with the name of each case");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String column : columns) {
      if (!seen.add(column)) {
        throw new Malformed(file + " line " + line + ": column \"" + column + "\" appears twice");
      }
      if (!column.equals(NAME_COLUMN) && !column.equals(RULE_COLUMN) && !outputs.contains(column)
          && !inputs.contains(column)) {
        throw new Malformed(file + " line " + line + ": column \"" + column + "\" is neither an input"
            + " of the table " + inputs + " nor an output " + outputs + ", \"" + RULE_COLUMN
            + "\" or \"" + NAME_COLUMN + "\"");
      }
    }
  }

  private static Case toCase(String file, CsvTable.Row row, List<String> columns, RoutingTable table) {
    Set<String> outputs = outputNames(table);
    if (row.cells().size() > columns.size()) {
      throw new Malformed(file + " line " + row.line() + ": " + row.cells().size()
          + " cells, but the header has " + columns.size() + " columns");
    }
    String name = null;
    String rule = null;
    Map<String, Object> inputs = new LinkedHashMap<>();
    Map<String, String> expected = new LinkedHashMap<>();
    for (int i = 0; i < row.cells().size(); i++) {
      CsvTable.Cell cell = row.cells().get(i);
      String column = columns.get(i);
      if (column.equals(NAME_COLUMN)) {
        name = cell.text();
      } else if (column.equals(RULE_COLUMN)) {
        rule = cell.empty() ? null : cell.text();
      } else if (outputs.contains(column)) {
        if (!cell.empty()) {
          expected.put(column, cell.text());
        }
      } else {
        inputs.put(column, cell.empty() ? null : typed(file, row.line(), column, cell.text(), table));
      }
    }
    if (name == null || name.isBlank()) {
      throw new Malformed(file + " line " + row.line() + ": the case has no name (column \"" + NAME_COLUMN + "\")");
    }
    for (String column : columns) {
      if (!column.equals(NAME_COLUMN) && !column.equals(RULE_COLUMN) && !outputs.contains(column)) {
        inputs.putIfAbsent(column, null);
      }
    }
    return new Case(row.line(), name, inputs, rule, expected);
  }

  /** An input cell as the type of the table's input column that reads exactly that variable. */
  private static Object typed(String file, int line, String column, String text, RoutingTable table) {
    String type = table.inputs().stream().filter(input -> column.equals(input.expression()))
        .map(RoutingTable.InputColumn::typeRef).filter(t -> t != null).findFirst().orElse("string")
        .toLowerCase(Locale.ROOT);
    try {
      return switch (type) {
        case "boolean" -> switch (text.toLowerCase(Locale.ROOT)) {
          case "true" -> Boolean.TRUE;
          case "false" -> Boolean.FALSE;
          default -> throw new IllegalArgumentException("true or false");
        };
        case "integer" -> Integer.valueOf(text);
        case "long" -> Long.valueOf(text);
        case "double" -> Double.valueOf(text);
        default -> text;
      };
    } catch (IllegalArgumentException e) {
      throw new Malformed(file + " line " + line + ": " + column + " must be "
          + (type.equals("boolean") ? "true or false" : "a number (" + type + ")") + ", not \"" + text + "\"");
    }
  }

  private static boolean matches(String expected, Object actual) {
    if (actual instanceof Number number) {
      try {
        return new BigDecimal(expected.trim()).compareTo(new BigDecimal(number.toString())) == 0;
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (actual instanceof Boolean bool) {
      return expected.trim().equalsIgnoreCase(bool.toString());
    }
    return actual != null && OutputValues.same(expected, actual.toString());
  }

  private static String shown(Object value) {
    return value instanceof String text && (text.isEmpty() || !text.equals(text.strip()))
        ? "\"" + text + "\"" : String.valueOf(value);
  }

  private static Set<String> outputNames(RoutingTable table) {
    Set<String> names = new LinkedHashSet<>();
    table.outputs().forEach(output -> names.add(output.name()));
    return names;
  }
}
