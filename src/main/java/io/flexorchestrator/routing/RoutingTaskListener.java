package io.flexorchestrator.routing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationEvent;
import org.camunda.bpm.dmn.engine.delegate.DmnEvaluatedDecisionRule;
import org.camunda.bpm.dmn.engine.delegate.DmnEvaluatedOutput;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.repository.DecisionDefinitionQuery;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.camunda.bpm.model.dmn.instance.Input;

/**
 * BPMN parse listener (an engine extension point, registered by {@link RoutingEnginePlugin}) for
 * every business rule task that evaluates {@value RoutingTable#DECISION_KEY}:
 *
 * <ul>
 *   <li><b>Version pinning.</b> When its process instance starts, the instance records the routing
 *       table version that is newest at that moment in {@value #VERSION_VARIABLE}; the task binds
 *       that version ({@code camunda:decisionRefBinding="version"}). So an instance that reaches
 *       routing after a hot deployment still uses the table of its start, and a table deployed
 *       alone (Camunda Modeler) reaches every lifecycle that starts afterwards. An instance without
 *       the variable (migrated from an older model) gets the newest version when the task starts.
 *   <li><b>Routing record.</b> When the task ends, {@link RoutingRecord#VARIABLE} keeps the
 *       version and rule that decided, the inputs the table read and its outputs (the what-if's
 *       data).
 * </ul>
 *
 * The listeners are built in (they also run when custom listeners are skipped): they are part of
 * how routing works, not business logic of one model.
 */
public class RoutingTaskListener extends AbstractBpmnParseListener {

  public static final String VERSION_VARIABLE = "routingDecisionVersion";

  /**
   * Routing inputs the lifecycle's context step provides, recorded whether or not today's table
   * reads them, so that a changed table that starts to read one can be tried on past traffic.
   */
  public static final List<String> CONTEXT_INPUTS = List.of("channelType", "proxyAddress",
      "customerLanguage", "customerTier", "knownWorkerSid", "withinBusinessHours", "autoAnswer",
      "longLived");

  private static final int MAX_TEXT = 200;

  private final Map<String, Set<String>> inputVariablesByDefinition = new ConcurrentHashMap<>();

  private final ExecutionListener pinVersion = RoutingTaskListener::pinVersion;
  private final ExecutionListener beforeRouting = execution -> {
    pinVersion(execution);
    MatchedRules.reopen();
  };
  private final ExecutionListener afterRouting = this::record;

  @Override
  public void parseBusinessRuleTask(Element element, ScopeImpl scope, ActivityImpl activity) {
    String decisionRef = element.attributeNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "decisionRef");
    if (!RoutingTable.DECISION_KEY.equals(decisionRef)) {
      return;
    }
    ScopeImpl process = activity.getProcessDefinition();
    if (!process.getBuiltInListeners(ExecutionListener.EVENTNAME_START).contains(pinVersion)) {
      process.addBuiltInListener(ExecutionListener.EVENTNAME_START, pinVersion);
    }
    activity.addBuiltInListener(ExecutionListener.EVENTNAME_START, beforeRouting);
    activity.addBuiltInListener(ExecutionListener.EVENTNAME_END, afterRouting);
  }

  private static void pinVersion(DelegateExecution execution) {
    if (execution.getVariable(VERSION_VARIABLE) != null) {
      return;
    }
    DecisionDefinitionQuery query = execution.getProcessEngineServices().getRepositoryService()
        .createDecisionDefinitionQuery().decisionDefinitionKey(RoutingTable.DECISION_KEY).latestVersion();
    query = execution.getTenantId() == null ? query.withoutTenantId() : query.tenantIdIn(execution.getTenantId());
    DecisionDefinition latest = query.singleResult();
    if (latest != null) {
      execution.setVariable(VERSION_VARIABLE, latest.getVersion());
    }
  }

  private void record(DelegateExecution execution) {
    DmnDecisionTableEvaluationEvent event;
    try (MatchedRules.Capture capture = MatchedRules.current()) {
      event = capture == null ? null : capture.event(RoutingTable.DECISION_KEY);
    }
    if (event == null) {
      return;
    }
    String definitionId = null;
    Integer version = null;
    if (event.getDecisionTable() instanceof DecisionDefinition definition) {
      definitionId = definition.getId();
      version = definition.getVersion();
    }
    Set<String> names = new LinkedHashSet<>(CONTEXT_INPUTS);
    if (definitionId != null) {
      names.addAll(inputVariables(execution.getProcessEngineServices().getRepositoryService(), definitionId));
    }
    Map<String, Object> inputs = new LinkedHashMap<>();
    for (String name : names) {
      if (execution.hasVariable(name)) {
        Object value = plain(execution.getVariable(name));
        if (value != null || execution.getVariable(name) == null) {
          inputs.put(name, value);
        }
      }
    }
    String rule = null;
    Map<String, Object> outputs = new LinkedHashMap<>();
    if (!event.getMatchingRules().isEmpty()) {
      DmnEvaluatedDecisionRule first = event.getMatchingRules().get(0);
      rule = first.getId();
      for (DmnEvaluatedOutput output : first.getOutputEntries().values()) {
        outputs.put(output.getOutputName(), plain(output.getValue() == null ? null : output.getValue().getValue()));
      }
    }
    execution.setVariable(RoutingRecord.VARIABLE,
        new RoutingRecord(definitionId, version, rule, inputs, outputs).toJson());
  }

  private Set<String> inputVariables(RepositoryService repository, String definitionId) {
    return inputVariablesByDefinition.computeIfAbsent(definitionId, id -> {
      Set<String> names = new LinkedHashSet<>();
      DmnModelInstance model = repository.getDmnModelInstance(id);
      if (model.getModelElementById(RoutingTable.DECISION_KEY) instanceof Decision decision
          && decision.getExpression() instanceof DecisionTable table) {
        for (Input input : table.getInputs()) {
          if (input.getInputExpression() != null && input.getInputExpression().getText() != null) {
            names.addAll(RoutingTable.variablesOf(input.getInputExpression().getText().getTextContent()));
          }
        }
      }
      return names;
    });
  }

  /** Plain JSON values only: text (cut at 200 characters), numbers, booleans. */
  private static Object plain(Object value) {
    if (value instanceof String text) {
      return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
    }
    return value instanceof Number || value instanceof Boolean ? value : null;
  }
}
