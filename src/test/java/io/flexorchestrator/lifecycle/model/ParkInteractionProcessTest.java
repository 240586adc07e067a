package io.flexorchestrator.lifecycle.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.BpmnError;
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

/** Model tests of {@code processes/park-interaction.bpmn} (see docs/design.md). */
@Deployment(resources = "processes/park-interaction.bpmn")
class ParkInteractionProcessTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml")
      .assertClassCoverageAtLeast(0.9)
      .build();

  static final String CH = "CH00000000000000000000000000000003";

  RuntimeService runtimeService;
  ManagementService managementService;
  RecordingDelegate parkInteractionChannel;
  RecordingDelegate createParkWebhook;
  RecordingDelegate deleteParkWebhook;
  RecordingDelegate reinviteParkedWorker;
  RecordingDelegate sendResumeTemplate;

  @BeforeEach
  void setUp() {
    ProcessEngine engine = extension.getProcessEngine();
    BpmnAwareTests.init(engine);
    runtimeService = engine.getRuntimeService();
    managementService = engine.getManagementService();
    parkInteractionChannel = register("parkInteractionChannel", e -> { });
    createParkWebhook = register("createParkWebhook",
        e -> e.setVariable("parkWebhookSid", "WH00000000000000000000000000000001"));
    deleteParkWebhook = register("deleteParkWebhook", e -> { });
    reinviteParkedWorker = register("reinviteParkedWorker",
        e -> e.setVariable("resumeInviteSid", "KG00000000000000000000000000000001"));
    sendResumeTemplate = register("sendResumeTemplate",
        e -> e.setVariable("resumeTemplateMessageSid", "IM00000000000000000000000000000001"));
  }

  private RecordingDelegate register(String bean,
      java.util.function.Consumer<org.camunda.bpm.engine.delegate.DelegateExecution> behaviour) {
    RecordingDelegate d = new RecordingDelegate(bean, behaviour);
    Mocks.register(bean, d);
    return d;
  }

  @AfterEach
  void tearDown() {
    Mocks.reset();
  }

  private ProcessInstance start(String timeout) {
    Map<String, Object> v = new HashMap<>();
    v.put("conversationSid", CH);
    v.put("retryCycle", "R1/PT1S");
    v.put("parkTimeout", timeout);
    v.put("parkedWorkerSid", "WK00000000000000000000000000000001");
    return runtimeService.startProcessInstanceByKey("park-interaction", CH, v);
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

  private void correlate(String message) {
    runtimeService.createMessageCorrelation(message).processInstanceBusinessKey(CH).correlate();
  }

  @Test
  void customerMessageResumesWithAnInviteToTheSameWorker() {
    ProcessInstance pi = start("P7D");
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-park-interaction-channel");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-resume");
    assertThat(parkInteractionChannel.calls()).hasSize(1);
    assertThat(createParkWebhook.calls()).hasSize(1);
    correlate("ParkedCustomerMessage");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-interaction-resumed");
    assertThat(deleteParkWebhook.lastCall().variable("parkWebhookSid")).isNotNull();
    assertThat(reinviteParkedWorker.lastCall().variable("parkedWorkerSid"))
        .isEqualTo("WK00000000000000000000000000000001");
  }

  @Test
  void unparkResumesToo() {
    ProcessInstance pi = start("P7D");
    executeJobs();
    correlate("UnparkRequested");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded()
        .hasPassed("catch-unpark-requested", "gateway-resume-template", "end-interaction-resumed")
        .hasNotPassed("task-send-resume-template");
    assertThat(sendResumeTemplate.calls()).isEmpty();
  }

  @Test
  void unparkWithATemplateSendsItBeforeTheReinvite() {
    ProcessInstance pi = start("P7D");
    executeJobs();
    runtimeService.createMessageCorrelation("UnparkRequested").processInstanceBusinessKey(CH)
        .setVariable("resumeContentSid", "HX00000000000000000000000000000001")
        .setVariable("resumeContentVariables", "{\"1\":\"Ann\"}").correlate();
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-send-resume-template");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded()
        .hasPassed("task-send-resume-template", "task-reinvite-parked-worker", "end-interaction-resumed");
    assertThat(sendResumeTemplate.lastCall().variable("resumeContentSid"))
        .isEqualTo("HX00000000000000000000000000000001");
  }

  @Test
  void conversationClosedBeforeTheTemplateEndsThePark() {
    sendResumeTemplate.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance pi = start("P7D");
    executeJobs();
    runtimeService.createMessageCorrelation("UnparkRequested").processInstanceBusinessKey(CH)
        .setVariable("resumeContentSid", "HX00000000000000000000000000000001").correlate();
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-template-conversation-closed");
    assertThat(reinviteParkedWorker.calls()).isEmpty();
  }

  @Test
  void conversationClosedWhileParkingOrResuming() {
    createParkWebhook.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance first = start("P7D");
    executeJobs();
    BpmnAwareTests.assertThat(first).isEnded().hasPassed("end-park-conversation-closed");

    createParkWebhook.behave(e -> { });
    reinviteParkedWorker.fail(new BpmnError("CONVERSATION_CLOSED"));
    ProcessInstance second = start("P7D");
    executeJobs();
    correlate("UnparkRequested");
    executeJobs();
    BpmnAwareTests.assertThat(second).isEnded().hasPassed("end-resume-conversation-closed");
  }

  @Test
  void aParkNobodyResumesExpiresAndRemovesItsWebhook() {
    ProcessInstance pi = start("PT0S");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("task-delete-park-webhook-expired", "end-park-expired");
  }

  @Test
  void theInteractionEndingEndsTheParkAndRemovesItsWebhook() {
    ProcessInstance pi = start("P7D");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isWaitingAt("gateway-wait-for-resume");
    correlate("InteractionEnded");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("start-park-interaction-ended",
        "task-delete-park-webhook-interaction-ended", "end-park-interaction-ended");
    assertThat(deleteParkWebhook.lastCall().variable("parkWebhookSid")).isNotNull();
    assertThat(reinviteParkedWorker.calls()).isEmpty();
  }

  @Test
  void theInteractionEndingWhileTheChannelIsBeingParkedEndsItToo() {
    ProcessInstance pi = start("P7D");
    BpmnAwareTests.assertThat(pi).isWaitingAt("task-park-interaction-channel");
    correlate("InteractionEnded");
    executeJobs();
    BpmnAwareTests.assertThat(pi).isEnded().hasPassed("end-park-interaction-ended");
    assertThat(parkInteractionChannel.calls()).isEmpty();
  }
}
