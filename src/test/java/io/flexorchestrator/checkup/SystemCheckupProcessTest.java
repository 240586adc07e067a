package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Model tests of {@code processes/system-checkup.bpmn}: paging loops, retries, the report. */
@Deployment(resources = "processes/system-checkup.bpmn")
class SystemCheckupProcessTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml")
      .assertClassCoverageAtLeast(0.9)
      .build();

  RuntimeService runtime;
  ManagementService management;
  final List<String> calls = new ArrayList<>();
  final AtomicInteger conversationPages = new AtomicInteger();
  final AtomicInteger lifecyclePages = new AtomicInteger();
  int conversationPagesWanted = 1;
  int lifecyclePagesWanted = 1;
  final AtomicInteger channelPages = new AtomicInteger();
  int channelPagesWanted = 1;
  boolean failChannels;

  @BeforeEach
  void setUp() {
    ProcessEngine engine = extension.getProcessEngine();
    runtime = engine.getRuntimeService();
    management = engine.getManagementService();
    Mocks.register("checkupSweepConversations", (JavaDelegate) execution -> {
      calls.add("conversations");
      execution.setVariable("moreConversations",
          conversationPages.incrementAndGet() < conversationPagesWanted);
    });
    Mocks.register("checkupReconcileLifecycles", (JavaDelegate) execution -> {
      calls.add("lifecycles");
      execution.setVariable("moreLifecycles", lifecyclePages.incrementAndGet() < lifecyclePagesWanted);
    });
    Mocks.register("checkupCloseStaleChannels", (JavaDelegate) execution -> {
      calls.add("channels");
      if (failChannels) {
        throw new IllegalStateException("Twilio 503");
      }
      execution.setVariable("moreChannels", channelPages.incrementAndGet() < channelPagesWanted);
    });
    Mocks.register("checkupPublishReport", new PublishReportDelegate());
  }

  @AfterEach
  void tearDown() {
    Mocks.reset();
  }

  private ProcessInstance start() {
    return runtime.createProcessInstanceByKey("system-checkup")
        .setVariables(Map.of("trigger", "api", "orphanPolicy", "ROUTE", "retryCycle", "R2/PT1S"))
        .execute();
  }

  private void drain(ProcessInstance instance) {
    for (int i = 0; i < 50; i++) {
      List<Job> jobs = management.createJobQuery().processInstanceId(instance.getId()).executable().list();
      if (jobs.isEmpty()) {
        return;
      }
      for (Job job : jobs) {
        try {
          management.executeJob(job.getId());
        } catch (RuntimeException failed) {
          // the job's retry cycle takes it
        }
      }
    }
  }

  @Test
  void oneSweepOfEachKindThenTheReport() {
    ProcessInstance instance = start();
    assertThat(calls).isEmpty(); // every Twilio step is asynchronous
    drain(instance);
    assertThat(calls).containsExactly("conversations", "lifecycles", "channels");
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
    var summary = extension.getProcessEngine().getHistoryService().createHistoricVariableInstanceQuery()
        .processInstanceId(instance.getId()).variableName("summary").singleResult();
    assertThat(summary.getValue().toString()).startsWith("found 0, acted 0");
    var report = extension.getProcessEngine().getHistoryService().createHistoricVariableInstanceQuery()
        .processInstanceId(instance.getId()).variableName("report").singleResult();
    assertThat(CheckupReport.read(report.getTypedValue())).containsKeys("summary", "finishedAt",
        "orphans", "lifecycles", "channels", "timers");
  }

  @Test
  void sweepsPageByPage() {
    conversationPagesWanted = 3;
    lifecyclePagesWanted = 2;
    channelPagesWanted = 3;
    drain(start());
    assertThat(calls).containsExactly("conversations", "conversations", "conversations",
        "lifecycles", "lifecycles", "channels", "channels", "channels");
  }

  @Test
  void aFailingTwilioStepRetriesThenRaisesAnIncident() {
    failChannels = true;
    ProcessInstance instance = start();
    drain(instance);
    Job job = management.createJobQuery().processInstanceId(instance.getId()).singleResult();
    assertThat(job.getRetries()).isLessThan(3);
    assertThat(runtime.getActiveActivityIds(instance.getId())).containsExactly("task-close-stale-channels");
    for (int i = 0; i < 3; i++) {
      Job again = management.createJobQuery().processInstanceId(instance.getId()).singleResult();
      if (again.getRetries() > 0) {
        management.setJobDuedate(again.getId(), null);
        try {
          management.executeJob(again.getId());
        } catch (RuntimeException failed) {
          // expected
        }
      }
    }
    assertThat(runtime.createIncidentQuery().processInstanceId(instance.getId()).count()).isEqualTo(1);
    failChannels = false;
    Job last = management.createJobQuery().processInstanceId(instance.getId()).singleResult();
    management.setJobRetries(last.getId(), 1);
    management.executeJob(last.getId());
    assertThat(runtime.createProcessInstanceQuery().processInstanceId(instance.getId()).count()).isZero();
  }

  @Test
  void theReportCountsWhatWasDone() {
    CheckupReport report = CheckupReport.start("x", "api", "ROUTE");
    report.add("orphans", "CH1", "routed", "r");
    report.add("orphans", "CH2", "skipped", "grace");
    report.add("lifecycles", "CH3", "replayed", "canceled");
    report.add("channels", "CH4", "failed", "404");
    report.scanned("conversations", 4);
    Map<String, Object> summary = report.finish();
    assertThat(summary).containsEntry("found", 4).containsEntry("acted", 2)
        .containsEntry("skipped", 1).containsEntry("failed", 1);
    assertThat(report.actions()).isEqualTo(2);
  }

  @Test
  void channelCandidatesOfTheSweepAreTakenPageByPageAndNeverPublished() {
    CheckupReport report = CheckupReport.start("x", "api", "ROUTE");
    for (int i = 0; i < 5; i++) {
      report.addChannelCandidate(CloseStaleChannelsDelegate.candidate("CH" + i, "KD" + i, "UO" + i, false, null));
    }
    assertThat(report.takeChannelCandidates(2)).extracting(c -> c.get("channelSid")).containsExactly("UO0", "UO1");
    assertThat(report.channelCandidates()).isEqualTo(3);
    report.finish();
    assertThat(report.data()).doesNotContainKey("channelCandidates");
  }
}
