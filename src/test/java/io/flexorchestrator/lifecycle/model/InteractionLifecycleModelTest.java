package io.flexorchestrator.lifecycle.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.BoundaryEvent;
import org.camunda.bpm.model.bpmn.instance.BusinessRuleTask;
import org.camunda.bpm.model.bpmn.instance.EndEvent;
import org.camunda.bpm.model.bpmn.instance.ExclusiveGateway;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.camunda.bpm.model.bpmn.instance.FlowNode;
import org.camunda.bpm.model.bpmn.instance.Message;
import org.camunda.bpm.model.bpmn.instance.Process;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.ServiceTask;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaExecutionListener;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaFailedJobRetryTimeCycle;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputParameter;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaOutputParameter;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.camunda.bpm.model.dmn.instance.Input;
import org.camunda.bpm.model.dmn.instance.InputEntry;
import org.camunda.bpm.model.dmn.instance.Output;
import org.camunda.bpm.model.dmn.instance.Rule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the models against the modeling rules and docs/design.md (names, async Twilio
 * tasks, retry cycle, outcomes, messages, diagram interchange). No engine needed.
 */
class InteractionLifecycleModelTest {

  static final Set<String> DELEGATES = Set.of("loadConversationContext", "setCloseTimers",
      "sendMessage", "createInteraction", "closeInteractionChannel", "inviteToWorkflow",
      // taskrouter mode
      "createTask", "addAgentToConversation", "removeAgentFromConversation", "closeConversation",
      "cancelTask");
  static final Set<String> MESSAGE_KEYS = Set.of("greeting", "out-of-hours", "workflow-timeout",
      "closing", "task-canceled");
  static final Set<String> MESSAGES = Set.of("ReservationAccepted", "ReservationNotAccepted",
      "TaskWrapup", "TaskCompleted", "TaskCanceled", "WorkflowTimeout", "TaskDeleted",
      "TaskSystemDeleted", "ConversationClosed", "ConversationInactive");
  static final Set<String> OUTCOMES = Set.of("completed", "timed-out", "canceled-before-accept",
      "canceled", "task-deleted", "system-deleted", "conversation-closed", "closed-before-routing");
  static final List<String> ROUTING_OUTPUTS = List.of("workflowSid", "taskChannel",
      "routingPriority", "routingTimeout", "extraTaskAttributes", "routingMode");
  static final Pattern KEBAB = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
  static final Pattern OUTCOME_LISTENER =
      Pattern.compile("\\$\\{execution\\.setVariable\\('outcome', '([a-z-]+)'\\)}");

  static BpmnModelInstance bpmn;
  static Process process;

  @BeforeAll
  static void read() throws Exception {
    try (InputStream in = resource("processes/interaction-lifecycle.bpmn")) {
      bpmn = Bpmn.readModelFromStream(in); // validates against the BPMN + Camunda schemas
    }
    Bpmn.validateModel(bpmn);
    process = bpmn.getModelElementById("interaction-lifecycle");
  }

  @Test
  void processIsExecutableWithHistoryTimeToLive() {
    assertThat(process).isNotNull();
    assertThat(process.isExecutable()).isTrue();
    assertThat(process.getCamundaHistoryTimeToLiveString()).isEqualTo("P30D");
    assertThat(process.getName()).isNotBlank();
  }

  @Test
  void idsAreKebabCaseAndNamesPresent() {
    for (FlowElement element : bpmn.getModelElementsByType(FlowElement.class)) {
      assertThat(element.getId()).as("id").matches(KEBAB);
      if (element instanceof FlowNode) {
        assertThat(element.getName()).as("name of %s", element.getId()).isNotBlank();
      }
    }
  }

  @Test
  void everyTwilioTaskIsAsyncWithDelegateAndRetryCycle() {
    Collection<ServiceTask> tasks = bpmn.getModelElementsByType(ServiceTask.class);
    assertThat(tasks).isNotEmpty();
    for (ServiceTask task : tasks) {
      String id = task.getId();
      assertThat(task.isCamundaAsyncBefore()).as("asyncBefore of %s", id).isTrue();
      assertThat(task.getCamundaDelegateExpression()).as("delegateExpression of %s", id)
          .matches("\\$\\{[a-zA-Z]+}");
      String bean = task.getCamundaDelegateExpression().substring(2,
          task.getCamundaDelegateExpression().length() - 1);
      assertThat(DELEGATES).as("bean of %s", id).contains(bean);
      assertThat(task.getExtensionElements().getElementsQuery()
          .filterByType(CamundaFailedJobRetryTimeCycle.class).singleResult().getTextContent())
          .as("retry cycle of %s", id).isEqualTo("${retryCycle}");
      List<CamundaInputParameter> inputs = task.getExtensionElements().getElementsQuery()
          .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput.class)
          .list().stream().flatMap(io -> io.getCamundaInputParameters().stream()).toList();
      if (bean.equals("sendMessage")) {
        assertThat(inputs).as("messageKey of %s", id).hasSize(1);
        assertThat(inputs.get(0).getCamundaName()).isEqualTo("messageKey");
        assertThat(MESSAGE_KEYS).contains(inputs.get(0).getTextContent());
      }
    }
    // the first thing after the start is an asynchronous Twilio task
    FlowNode first = ((FlowNode) bpmn.getModelElementById("start-customer-message-received"))
        .getOutgoing().iterator().next().getTarget();
    assertThat(first.getId()).isEqualTo("task-load-conversation-context");
    assertThat(((ServiceTask) first).isCamundaAsyncBefore()).isTrue();
  }

  @Test
  void routingIsTheDecisionTableMappedToVariables() {
    BusinessRuleTask task = bpmn.getModelElementById("task-decide-routing");
    assertThat(task.getCamundaDecisionRef()).isEqualTo("routing-decision");
    assertThat(task.getCamundaResultVariable()).isNull();
    Map<String, String> outputs = task.getExtensionElements().getElementsQuery()
        .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput.class)
        .singleResult().getCamundaOutputParameters().stream()
        .collect(Collectors.toMap(CamundaOutputParameter::getCamundaName,
            CamundaOutputParameter::getTextContent));
    assertThat(outputs).hasSize(ROUTING_OUTPUTS.size());
    ROUTING_OUTPUTS.forEach(name -> assertThat(outputs)
        .containsEntry(name, "${decisionResult.getSingleResult()." + name + "}"));
  }

  @Test
  void rerouteCounterIsIncrementedByTheInviteTask() {
    ServiceTask invite = bpmn.getModelElementById("task-invite-to-fallback-workflow");
    assertThat(invite.getCamundaDelegateExpression()).isEqualTo("${inviteToWorkflow}");
    CamundaOutputParameter output = invite.getExtensionElements().getElementsQuery()
        .filterByType(org.camunda.bpm.model.bpmn.instance.camunda.CamundaInputOutput.class)
        .singleResult().getCamundaOutputParameters().iterator().next();
    assertThat(output.getCamundaName()).isEqualTo("rerouteAttempts");
    assertThat(output.getTextContent()).isEqualTo("${rerouteAttempts + 1}");
  }

  @Test
  void decisionGatewaysHaveNamedConditionalFlows() {
    for (ExclusiveGateway gateway : bpmn.getModelElementsByType(ExclusiveGateway.class)) {
      assertThat(gateway.getOutgoing()).as("outgoing of %s", gateway.getId()).hasSizeGreaterThan(1);
      for (SequenceFlow flow : gateway.getOutgoing()) {
        assertThat(flow.getName()).as("name of %s", flow.getId()).isNotBlank();
        assertThat(flow.getConditionExpression()).as("condition of %s", flow.getId()).isNotNull();
      }
    }
  }

  @Test
  void everyProcessEndSetsADistinctOutcome() {
    Map<String, String> outcomeByEnd = new TreeMap<>();
    Set<String> names = new HashSet<>();
    for (EndEvent end : bpmn.getModelElementsByType(EndEvent.class)) {
      assertThat(names.add(end.getName())).as("distinct name %s", end.getName()).isTrue();
      if (!(end.getParentElement() instanceof Process)) {
        continue; // ends of (event) sub-processes do not end the instance
      }
      List<CamundaExecutionListener> listeners = end.getExtensionElements().getElementsQuery()
          .filterByType(CamundaExecutionListener.class).list();
      assertThat(listeners).as("listener of %s", end.getId()).hasSize(1);
      assertThat(listeners.get(0).getCamundaEvent()).isEqualTo("start");
      Matcher matcher = OUTCOME_LISTENER.matcher(listeners.get(0).getCamundaExpression());
      assertThat(matcher.matches()).as("outcome listener of %s", end.getId()).isTrue();
      outcomeByEnd.put(end.getId(), matcher.group(1));
    }
    assertThat(new HashSet<>(outcomeByEnd.values())).isEqualTo(OUTCOMES);
    assertThat(outcomeByEnd).hasSize(OUTCOMES.size());
  }

  @Test
  void messagesAreNamedAsInDesign() {
    Map<String, String> byId = bpmn.getModelElementsByType(Message.class).stream()
        .collect(Collectors.toMap(Message::getId, Message::getName));
    assertThat(new HashSet<>(byId.values())).isEqualTo(MESSAGES);
    byId.keySet().forEach(id -> assertThat(id).startsWith("message-"));
    assertThat(byId).containsEntry("message-task-completed", "TaskCompleted");
  }

  @Test
  void boundaryMessagesOnTheAgentPhaseAreInterrupting() {
    List<String> onAgentPhase = new ArrayList<>();
    List<String> onTaskRouterAgentPhase = new ArrayList<>();
    for (BoundaryEvent boundary : bpmn.getModelElementsByType(BoundaryEvent.class)) {
      assertThat(boundary.cancelActivity()).isTrue();
      if (boundary.getAttachedTo().getId().equals("subprocess-agent-phase")) {
        onAgentPhase.add(boundary.getId());
      }
      if (boundary.getAttachedTo().getId().equals("subprocess-agent-phase-taskrouter")) {
        onTaskRouterAgentPhase.add(boundary.getId().replace("-taskrouter", ""));
      }
    }
    assertThat(onAgentPhase).containsExactlyInAnyOrder("boundary-workflow-timeout",
        "boundary-task-canceled", "boundary-task-deleted", "boundary-task-system-deleted",
        "boundary-conversation-closed");
    // taskrouter mode: the same endings, on its own agent phase (only one of both ever runs)
    assertThat(onTaskRouterAgentPhase).containsExactlyInAnyOrderElementsOf(onAgentPhase);
  }

  @Test
  void diagramHasAShapeForEveryNodeAndAnEdgeForEveryFlow() {
    Map<String, Bounds> shapes = new TreeMap<>();
    for (BpmnShape shape : bpmn.getModelElementsByType(BpmnShape.class)) {
      BaseElement element = shape.getBpmnElement();
      shapes.put(element.getId(), shape.getBounds());
      if (element instanceof SubProcess) {
        assertThat(shape.isExpanded()).as("expanded %s", element.getId()).isTrue();
      }
    }
    for (FlowNode node : bpmn.getModelElementsByType(FlowNode.class)) {
      assertThat(shapes).as("shape of %s", node.getId()).containsKey(node.getId());
    }
    Set<String> edges = new HashSet<>();
    for (BpmnEdge edge : bpmn.getModelElementsByType(BpmnEdge.class)) {
      assertThat(edge.getWaypoints()).hasSizeGreaterThanOrEqualTo(2);
      edges.add(edge.getBpmnElement().getId());
    }
    for (SequenceFlow flow : bpmn.getModelElementsByType(SequenceFlow.class)) {
      assertThat(edges).as("edge of %s", flow.getId()).contains(flow.getId());
    }
    // no two shapes of flow nodes overlap (containers and attached boundary events aside)
    List<FlowNode> nodes = bpmn.getModelElementsByType(FlowNode.class).stream()
        .filter(node -> !(node instanceof SubProcess)).toList();
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        FlowNode a = nodes.get(i);
        FlowNode b = nodes.get(j);
        if (attached(a, b) || attached(b, a)) {
          continue;
        }
        assertThat(overlap(shapes.get(a.getId()), shapes.get(b.getId())))
            .as("%s overlaps %s", a.getId(), b.getId()).isFalse();
      }
    }
  }

  // ------------------------------------------------------------------ DMN

  @Test
  void routingDecisionTable() throws Exception {
    DmnModelInstance dmn;
    try (InputStream in = resource("processes/routing-decision.dmn")) {
      dmn = Dmn.readModelFromStream(in);
    }
    Decision decision = dmn.getModelElementById("routing-decision");
    assertThat(decision.getName()).isEqualTo("Decide routing");
    assertThat(decision.getCamundaHistoryTimeToLiveString()).isEqualTo("P30D");
    DecisionTable table = (DecisionTable) decision.getExpression();
    assertThat(table.getHitPolicy()).isEqualTo(HitPolicy.FIRST);

    Map<String, String> inputs = new TreeMap<>();
    for (Input input : table.getInputs()) {
      assertThat(input.getLabel()).isNotBlank();
      inputs.put(input.getInputExpression().getText().getTextContent(),
          input.getInputExpression().getTypeRef());
    }
    assertThat(inputs).isEqualTo(Map.of("channelType", "string", "proxyAddress", "string",
        "customerLanguage", "string", "customerTier", "string", "knownWorkerSid", "string",
        "withinBusinessHours", "boolean"));

    Map<String, String> outputs = new TreeMap<>();
    for (Output output : table.getOutputs()) {
      assertThat(output.getLabel()).isNotBlank();
      outputs.put(output.getName(), output.getTypeRef());
    }
    assertThat(outputs).isEqualTo(Map.of("workflowSid", "string", "taskChannel", "string",
        "routingPriority", "integer", "routingTimeout", "integer", "extraTaskAttributes", "string",
        "routingMode", "string"));

    List<Rule> rules = new ArrayList<>(table.getRules());
    for (Rule rule : rules) {
      assertThat(rule.getDescription()).as("annotation of %s", rule.getId()).isNotNull();
    }
    Rule last = rules.get(rules.size() - 1);
    for (InputEntry entry : last.getInputEntries()) {
      assertThat(entry.getTextContent().trim()).as("catch-all last rule").isEqualTo("-");
    }
    assertThat(dmn.getDocumentElement().getDomElement().getChildElements().stream()
        .anyMatch(child -> child.getLocalName().equals("DMNDI"))).as("DMNDI present").isTrue();
  }

  // ------------------------------------------------------------------ helpers

  private static InputStream resource(String name) {
    InputStream in = InteractionLifecycleModelTest.class.getClassLoader().getResourceAsStream(name);
    assertThat(in).as(name + " on the classpath").isNotNull();
    return in;
  }

  private static boolean attached(FlowNode boundary, FlowNode activity) {
    return boundary instanceof BoundaryEvent event && event.getAttachedTo() == activity;
  }

  private static boolean overlap(Bounds a, Bounds b) {
    return a.getX() < b.getX() + b.getWidth() && b.getX() < a.getX() + a.getWidth()
        && a.getY() < b.getY() + b.getHeight() && b.getY() < a.getY() + a.getHeight();
  }
}
