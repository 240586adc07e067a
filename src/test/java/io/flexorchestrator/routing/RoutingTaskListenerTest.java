package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RoutingTaskListener} in a process engine with {@link RoutingEnginePlugin}: an instance
 * evaluates the routing table version that was newest when it started, even when a newer one is
 * deployed before it reaches routing, and keeps a routing record of inputs, rule and outputs.
 */
class RoutingTaskListenerTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml").build();

  /** Waits before routing (user task), then routes exactly as the lifecycle's task does. */
  private static final BpmnModelInstance PROCESS = Bpmn.createExecutableProcess("routing-pin-test")
      .camundaHistoryTimeToLive(1)
      .startEvent()
      .userTask("wait-before-routing")
      .businessRuleTask("decide-routing")
        .camundaDecisionRef(RoutingTable.DECISION_KEY)
        .camundaDecisionRefBinding("version")
        .camundaDecisionRefVersion("${routingDecisionVersion}")
        .camundaMapDecisionResult("singleResult")
        .camundaResultVariable("routing")
      .userTask("wait-after-routing")
      .endEvent()
      .done();

  RepositoryService repository;
  RuntimeService runtime;
  TaskService tasks;
  HistoryService history;

  @BeforeEach
  void deployProcessAndToday() throws IOException {
    repository = extension.getRepositoryService();
    runtime = extension.getRuntimeService();
    tasks = extension.getTaskService();
    history = extension.getHistoryService();
    repository.createDeployment().addModelInstance("routing-pin-test.bpmn", PROCESS)
        .addString("routing-decision.dmn", today()).deploy();
  }

  @AfterEach
  void undeploy() {
    for (Deployment deployment : repository.createDeploymentQuery().list()) {
      repository.deleteDeployment(deployment.getId(), true);
    }
  }

  @Test
  void anInstanceRoutesWithTheTableOfItsStartAndRecordsWhatDecided() throws IOException {
    int today = latestVersion();
    String before = start("vip");
    assertThat(runtime.getVariable(before, RoutingTaskListener.VERSION_VARIABLE)).isEqualTo(today);

    repository.createDeployment().addString("routing-decision.dmn",
        today().replace("<outputEntry id=\"rule-vip-priority\"><text>50</text>",
            "<outputEntry id=\"rule-vip-priority\"><text>95</text>")).deploy();
    assertThat(latestVersion()).isEqualTo(today + 1);
    String after = start("vip");

    route(before);
    route(after);
    assertThat(priority(before)).as("started before the deployment: its own table").isEqualTo(50);
    assertThat(priority(after)).as("started after: the new table").isEqualTo(95);

    RoutingRecord record = RoutingRecord.fromJson(runtime.getVariable(before, RoutingRecord.VARIABLE));
    assertThat(record.version()).isEqualTo(today);
    assertThat(record.rule()).isEqualTo("rule-vip");
    assertThat(record.inputs()).containsEntry("customerTier", "vip").containsEntry("channelType", "sms")
        .containsEntry("withinBusinessHours", true).containsEntry("knownWorkerSid", null)
        .doesNotContainKey("autoAnswer");
    assertThat(record.outputs()).containsEntry("routingPriority", 50)
        .containsEntry("extraTaskAttributes", "{\"vip\":true}").containsEntry("routingMode", "interactions");
    assertThat(RoutingRecord.fromJson(runtime.getVariable(after, RoutingRecord.VARIABLE)).version())
        .isEqualTo(today + 1);
    assertThat(history.createHistoricVariableInstanceQuery().variableName(RoutingRecord.VARIABLE).count())
        .as("in the history").isEqualTo(2);
  }

  @Test
  void anInstanceWithoutAPinnedVersionRoutesWithTheNewest() {
    String instance = start("gold");
    runtime.removeVariable(instance, RoutingTaskListener.VERSION_VARIABLE);
    route(instance);
    assertThat(priority(instance)).isEqualTo(50);
    assertThat(runtime.getVariable(instance, RoutingTaskListener.VERSION_VARIABLE)).isEqualTo(latestVersion());
  }

  @Test
  void theWhatIfEngineDecidesAsTheProcessEngine() throws IOException {
    RoutingTable table = RoutingTable.parse(RoutingEnginePlugin.standaloneLike(
        ((ProcessEngineConfigurationImpl) extension.getProcessEngine().getProcessEngineConfiguration())
            .getDmnEngineConfiguration()), today().getBytes(StandardCharsets.UTF_8));
    for (String tier : new String[] {"vip", "gold", "standard"}) {
      for (String channel : new String[] {"sms", "whatsapp", "chat", "messenger"}) {
        java.util.Map<String, Object> inputs = new java.util.HashMap<>();
        RoutingTaskListener.CONTEXT_INPUTS.forEach(name -> inputs.put(name, null));
        inputs.putAll(Map.of("channelType", channel, "customerTier", tier, "withinBusinessHours", true));
        assertThat(table.evaluate(inputs).outputs()).as(tier + " " + channel).isEqualTo(
            extension.getDecisionService().evaluateDecisionTableByKey(RoutingTable.DECISION_KEY, inputs)
                .getSingleResult().getEntryMap());
      }
    }
  }

  private String start(String tier) {
    return runtime.startProcessInstanceByKey("routing-pin-test", Map.of("channelType", "sms",
        "proxyAddress", "+15550001111", "customerTier", tier, "withinBusinessHours", true,
        "customerLanguage", "en", "knownWorkerSid", org.camunda.bpm.engine.variable.Variables.stringValue(null)))
        .getId();
  }

  private void route(String instance) {
    tasks.complete(tasks.createTaskQuery().processInstanceId(instance).singleResult().getId());
  }

  @SuppressWarnings("unchecked")
  private int priority(String instance) {
    return (Integer) ((Map<String, Object>) runtime.getVariable(instance, "routing")).get("routingPriority");
  }

  private int latestVersion() {
    return repository.createDecisionDefinitionQuery().decisionDefinitionKey(RoutingTable.DECISION_KEY)
        .latestVersion().singleResult().getVersion();
  }

  static String today() throws IOException {
    return Files.readString(Path.of("processes/routing-decision.dmn"), StandardCharsets.UTF_8);
  }
}
