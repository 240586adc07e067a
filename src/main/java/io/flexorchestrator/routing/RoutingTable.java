package io.flexorchestrator.routing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.dmn.engine.DmnDecision;
import org.camunda.bpm.dmn.engine.DmnDecisionResult;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationEvent;
import org.camunda.bpm.dmn.engine.delegate.DmnEvaluatedDecisionRule;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.camunda.bpm.model.dmn.instance.Input;
import org.camunda.bpm.model.dmn.instance.Output;
import org.camunda.bpm.model.dmn.instance.Rule;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;

/**
 * The routing table ({@code processes/routing-decision.dmn}, decision {@value #DECISION_KEY}) of a
 * DMN file, parsed by a DMN engine that has {@link MatchedRules} registered, so that an evaluation
 * names the rule that decided. Evaluating deploys nothing and touches no process engine state.
 */
public final class RoutingTable {

  public static final String DECISION_KEY = "routing-decision";

  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'");
  /** Words of FEEL and JUEL that are no variable. */
  private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "null", "true", "false",
      "if", "then", "else", "for", "in", "return", "some", "every", "satisfies", "instance", "of",
      "between", "function", "empty", "eq", "ne", "lt", "gt", "le", "ge", "div", "mod", "instanceof",
      "date", "time", "duration");

  /** An input column: its label, the expression that reads it and that expression's type. */
  public record InputColumn(String id, String label, String expression, String typeRef) {}

  /** An output column: the variable it sets and its type. */
  public record OutputColumn(String name, String label, String typeRef) {}

  private final DmnEngine engine;
  private final DmnDecision decision;
  private final String hitPolicy;
  private final List<InputColumn> inputs;
  private final List<OutputColumn> outputs;
  private final Map<String, String> rules;

  private RoutingTable(DmnEngine engine, DmnDecision decision, DecisionTable table) {
    this.engine = engine;
    this.decision = decision;
    this.hitPolicy = String.valueOf(table.getHitPolicy());
    List<InputColumn> in = new ArrayList<>();
    for (Input input : table.getInputs()) {
      var expression = input.getInputExpression();
      String text = expression == null || expression.getText() == null ? null
          : expression.getText().getTextContent().trim();
      in.add(new InputColumn(input.getId(), input.getLabel(), text,
          expression == null ? null : expression.getTypeRef()));
    }
    List<OutputColumn> out = new ArrayList<>();
    for (Output output : table.getOutputs()) {
      out.add(new OutputColumn(output.getName(), output.getLabel(), output.getTypeRef()));
    }
    Map<String, String> ruleDescriptions = new LinkedHashMap<>();
    for (Rule rule : table.getRules()) {
      ruleDescriptions.put(rule.getId(), rule.getDescription() == null ? ""
          : rule.getDescription().getTextContent().trim());
    }
    this.inputs = List.copyOf(in);
    this.outputs = List.copyOf(out);
    this.rules = Collections.unmodifiableMap(ruleDescriptions);
  }

  /**
   * Parses the routing table of a DMN file.
   *
   * @throws InvalidRoutingTable when the file is no DMN, does not parse or has no decision table
   *     {@value #DECISION_KEY}; the message says which, for the analyst
   */
  public static RoutingTable parse(DmnEngine engine, byte[] dmnXml) {
    if (dmnXml == null || dmnXml.length == 0) {
      throw new InvalidRoutingTable("the DMN file is empty");
    }
    // the model parser refuses DTDs too; this says why in the analyst's words
    String text = new String(dmnXml, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
    if (text.contains("<!DOCTYPE") || text.contains("<!ENTITY")) {
      throw new InvalidRoutingTable("the DMN file must not contain a DOCTYPE or entity declarations");
    }
    DmnModelInstance model;
    try {
      model = Dmn.readModelFromStream(new ByteArrayInputStream(dmnXml));
    } catch (RuntimeException e) {
      throw new InvalidRoutingTable("the file is not a DMN 1.3 model that Camunda 7 reads: "
          + firstLine(e), e);
    }
    ModelElementInstance element = model.getModelElementById(DECISION_KEY);
    if (!(element instanceof Decision found)) {
      List<String> ids = model.getModelElementsByType(Decision.class).stream()
          .map(Decision::getId).toList();
      throw new InvalidRoutingTable("the DMN file has no decision with id \"" + DECISION_KEY
          + "\" (decisions in it: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")");
    }
    if (!(found.getExpression() instanceof DecisionTable table)) {
      throw new InvalidRoutingTable("decision \"" + DECISION_KEY + "\" must be a decision table");
    }
    try {
      return new RoutingTable(engine, engine.parseDecision(DECISION_KEY, model), table);
    } catch (RuntimeException e) {
      throw new InvalidRoutingTable("decision \"" + DECISION_KEY + "\" does not parse: " + firstLine(e), e);
    }
  }

  /** Evaluates the table as the lifecycle's business rule task would, and names the deciding rule. */
  public RoutingOutcome evaluate(Map<String, Object> variables) {
    try (MatchedRules.Capture capture = MatchedRules.open()) {
      DmnDecisionResult result = engine.evaluateDecision(decision, new LinkedHashMap<>(variables));
      DmnDecisionTableEvaluationEvent event = capture.event(DECISION_KEY);
      List<String> matched = event == null ? List.of()
          : event.getMatchingRules().stream().map(DmnEvaluatedDecisionRule::getId).toList();
      if (result.isEmpty()) {
        return RoutingOutcome.failed("no rule matches: the lifecycle would stop at routing with an incident");
      }
      if (result.size() > 1) {
        return RoutingOutcome.failed(result.size() + " results (rules " + String.join(", ", matched)
            + "): the lifecycle needs exactly one (hit policy FIRST or UNIQUE)");
      }
      return RoutingOutcome.decided(matched.isEmpty() ? null : matched.get(0),
          new LinkedHashMap<>(result.getSingleResult().getEntryMap()));
    } catch (RuntimeException e) {
      return RoutingOutcome.failed(firstLine(e));
    }
  }

  public List<InputColumn> inputs() {
    return inputs;
  }

  public List<OutputColumn> outputs() {
    return outputs;
  }

  /** Rule ids in table order, with their annotation (description). */
  public Map<String, String> rules() {
    return rules;
  }

  public String hitPolicy() {
    return hitPolicy;
  }

  /**
   * The variables the input expressions read: the whole expression when it is a variable name,
   * else every identifier in it that is no keyword, string literal or member name.
   */
  public Set<String> inputVariables() {
    Set<String> names = new LinkedHashSet<>();
    for (InputColumn input : inputs) {
      names.addAll(variablesOf(input.expression()));
    }
    return names;
  }

  static Set<String> variablesOf(String expression) {
    Set<String> names = new LinkedHashSet<>();
    if (expression == null || expression.isBlank()) {
      return names;
    }
    String code = STRING_LITERAL.matcher(expression).replaceAll("\"\"");
    Matcher identifier = IDENTIFIER.matcher(code);
    while (identifier.find()) {
      String name = identifier.group();
      boolean call = code.substring(identifier.end()).stripLeading().startsWith("(");
      if (!KEYWORDS.contains(name) && !call) {
        names.add(name);
      }
    }
    return names;
  }

  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    message = newline < 0 ? message : message.substring(0, newline);
    return message.length() > 500 ? message.substring(0, 500) + "…" : message;
  }
}
