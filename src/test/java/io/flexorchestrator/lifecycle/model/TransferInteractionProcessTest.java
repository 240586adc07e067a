package io.flexorchestrator.lifecycle.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Model tests of {@code processes/transfer-interaction.bpmn} (see docs/design.md). */
@Deployment(resources = "processes/transfer-interaction.bpmn")
class TransferInteractionProcessTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml")
      .assertClassCoverageAtLeast(0.9)
      .build();

  static final String CH = "CH00000000000000000000000000000002";

  RuntimeService runtimeService;
  ManagementService managementService;
  RecordingDelegate closeTransferringAgent;
  RecordingDelegate sendMessage;
  RecordingDelegate releaseUnattendedInteraction;

  @BeforeEach
  void setUp() {
    ProcessEngine engine = extension.getProcessEngine();
    BpmnAwareTests.init(engine);
    runtimeService = engine.getRuntimeService();
    managementService = engine.getManagementService();
    closeTransferringAgent = new RecordingDelegate("closeTransferringAgent", e -> { });
    sendMessage = new RecordingDelegate("sendMessage", e -> { });
    Mocks.register("closeTransferringAgent", closeTransferringAgent);
    Mocks.register("sendMessage", sendMessage);
    releaseUnattendedInteraction = new RecordingDelegate("releaseUnattendedInteraction",
        e -> e.setVariable("interactionReleased", true));
    Mocks.register("releaseUnattendedInteraction", releaseUnattendedInteraction);
  }

  @AfterEach
  void tearDown() {
    Mocks.reset();
  }

  private ProcessInstance start(String mode, String timeout) {
    Map<String, Object> v = new HashMap<>();
    v.put("conversationSid", CH);
    v.put("retryCycle", "R1/PT1S");
    v.put("transferMode", mode);
    v.put("transferTimeout", timeout);
    v.put("transferringTaskSid", "WT00000000000000000000000000000001");
    v.put("agentLeft", false);
    return runtimeService.startProcessInstanceByKey("transfer-interaction", CH, v);
  }

  private void correlate(String message) {
    runtimeService.createMessageCorrelation(message).processInstanceBusinessKey(CH).correlate();
  }

  private void correlate(String message, Map<String, Object> variables) {
    runtimeService.createMessageCorrelation(message).processInstanceBusinessKey(CH)
        .setVariables(variables).correlate();
  }

  private void executeJobs() {
    for (int round = 0; round < 20; round++) {
      List<Job> jobs = managementService.createJobQuery().executable().list();
      if (jobs.isEmpty()) {
        return;
      }
      jobs.forEach(BpmnAwareTests::execute);
    }
  }

  private Object outcome(ProcessInstance pi) {
    return extension.getProcessEngine().getHistoryService().createHistoricVariableInstanceQuery()
        .processInstanceId(pi.getId()).variableName("outcome").singleResult().getValue();
  }

  @Test
  void coldTransferAcceptedClosesTheTransferringAgent() {
    ProcessInstance pi = start("cold", "PT2H");
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-target");
    correlate("TransferAccepted");
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-close-transferring-agent");
    assertThat(closeTransferringAgent.calls()).isEmpty(); // asyncBefore: after the correlation
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-transfer-completed-cold");
    assertThat(closeTransferringAgent.calls()).hasSize(1);
    assertThat(outcome(pi)).isEqualTo("transferred");
  }

  @Test
  void warmTransferAcceptedAddsTheAgentAndClosesNobody() {
    ProcessInstance pi = start("warm", "PT2H");
    correlate("TransferAccepted");
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-agent-added-warm");
    assertThat(closeTransferringAgent.calls()).isEmpty();
    assertThat(outcome(pi)).isEqualTo("agent-added");
  }

  @Test
  void failedTransferTellsTheConversationAndKeepsTheAgent() {
    ProcessInstance pi = start("cold", "PT2H");
    correlate("TransferFailed", Map.of("transferFailure", "timeout", "agentLeft", false));
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded()
        .hasPassed("gateway-agent-still-on-interaction", "end-transfer-failed")
        .hasNotPassed("task-release-unattended-interaction");
    assertThat(sendMessage.lastCall().variable("messageKey")).isEqualTo("transfer-failed");
    assertThat(closeTransferringAgent.calls()).isEmpty();
    assertThat(releaseUnattendedInteraction.calls()).isEmpty();
  }

  @Test
  void failedTransferAfterTheLastAgentLeftReleasesTheInteractionWithoutTellingAnyone() {
    ProcessInstance pi = start("warm", "PT2H");
    correlate("TransferFailed", Map.of("transferFailure", "canceled", "agentLeft", true));
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-release-unattended-interaction");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-transfer-failed-no-agent");
    assertThat(outcome(pi)).isEqualTo("transfer-failed-no-agent");
    assertThat(sendMessage.calls()).isEmpty(); // "your current agent continues" would be wrong
    assertThat(releaseUnattendedInteraction.calls()).hasSize(1);
  }

  @Test
  void aTransferNobodyAnswersExpiresAndReleasesAnUnattendedInteraction() {
    ProcessInstance pi = start("cold", "PT0S");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded()
        .hasPassed("task-release-unattended-interaction-expired", "end-transfer-expired");
    assertThat(outcome(pi)).isEqualTo("transfer-expired");
    assertThat(releaseUnattendedInteraction.calls()).hasSize(1);
  }

  @Test
  void theInteractionEndingEndsAPendingTransferAtOnce() {
    ProcessInstance pi = start("cold", "PT2H");
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-target");
    correlate("InteractionEnded");
    BpmnAwareTests.assertThat(pi).isEnded()
        .hasPassed("start-interaction-ended", "end-transfer-interaction-ended");
    assertThat(outcome(pi)).isEqualTo("interaction-ended");
    assertThat(closeTransferringAgent.calls()).isEmpty();
    assertThat(managementService.createJobQuery().processInstanceId(pi.getId()).count()).isZero();
  }
}
