package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.lifecycle.LifecycleMessages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.community.process_test_coverage.junit5.platform7.ProcessEngineCoverageExtension;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lifecycle sweep's pages: instances that end while a sweep pages through them shift nothing,
 * so every instance that was running when the sweep began is seen (an offset would skip some).
 */
class InstancePagesTest {

  @RegisterExtension
  static ProcessEngineCoverageExtension extension = ProcessEngineCoverageExtension.builder()
      .configurationResource("camunda-model-test.cfg.xml").build();

  RuntimeService runtime;
  InstancePages pages;
  String deployment;
  final List<String> mine = new ArrayList<>();

  /** In the test itself: the coverage extension accepts deployments only once a test runs. */
  void deployAStandInLifecycle() {
    ProcessEngine engine = extension.getProcessEngine();
    runtime = engine.getRuntimeService();
    pages = new InstancePages(runtime, engine.getHistoryService(), engine.getManagementService());
    deployment = engine.getRepositoryService().createDeployment()
        .addModelInstance("stand-in-lifecycle.bpmn", Bpmn.createExecutableProcess(LifecycleMessages.PROCESS_KEY)
            .camundaHistoryTimeToLive(1).startEvent().userTask("wait").endEvent().done())
        .deploy().getId();
    for (int i = 0; i < 7; i++) {
      mine.add(runtime.startProcessInstanceByKey(LifecycleMessages.PROCESS_KEY, "CH-page-" + i).getId());
    }
  }

  @AfterEach
  void undeploy() {
    if (deployment == null) {
      return;
    }
    extension.getProcessEngine().getRepositoryService().deleteDeployment(deployment, true);
  }

  @Test
  void endingInstancesDuringARunSkipsNone() {
    deployAStandInLifecycle();
    Set<String> seen = new LinkedHashSet<>();
    String after = null;
    for (int guard = 0; guard < 100; guard++) {
      List<ProcessInstance> page = pages.running(after, 2);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(p -> seen.add(p.getId()));
      after = page.get(page.size() - 1).getId();
      // what a sweep does: the instances of this page end (replayed endings) before the next page
      page.stream().filter(p -> mine.contains(p.getId()))
          .forEach(p -> runtime.deleteProcessInstance(p.getId(), "ended by the sweep"));
    }
    assertThat(seen).containsAll(mine);
    assertThat(new ArrayList<>(seen)).isSorted();
  }

  @Test
  void aStableKeyPagesEndedInstancesToo() {
    deployAStandInLifecycle();
    Date from = Date.from(Instant.now().minusSeconds(60));
    mine.forEach(id -> runtime.deleteProcessInstance(id, "ended"));
    Date to = Date.from(Instant.now().plusSeconds(60));
    Set<String> seen = new LinkedHashSet<>();
    String after = null;
    for (int guard = 0; guard < 100; guard++) {
      List<HistoricProcessInstance> page = pages.ended(from, to, after, 3);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(p -> seen.add(p.getId()));
      after = page.get(page.size() - 1).getId();
    }
    assertThat(seen).containsAll(mine);
    assertThat(pages.running(null, 1000)).extracting(ProcessInstance::getId).doesNotContainAnyElementsOf(mine);
  }
}
