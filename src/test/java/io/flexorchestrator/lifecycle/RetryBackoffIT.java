package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ClassPathResource;

/**
 * The default retry cycle of the Twilio tasks (application.yaml; the it profile uses a fast one)
 * backs off: a task given {@code ${retryCycle}} as its failedJobRetryTimeCycle, as every Twilio
 * task in processes/ is, waits longer before each retry, then raises an incident.
 */
class RetryBackoffIT extends SandboxIT {

  private static final String KEY = "retry-backoff-it";

  @Autowired RepositoryService repository;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService management;
  private String deployment;

  private static String configuredDefault() throws Exception {
    return new YamlPropertySourceLoader().load("application", new ClassPathResource("application.yaml"))
        .get(0).getProperty("orchestrator.lifecycle.retry-cycle").toString();
  }

  @AfterEach
  void undeploy() {
    if (deployment != null) {
      repository.deleteDeployment(deployment, true);
    }
  }

  @Test
  void theDefaultCycleWaitsLongerBeforeEachRetry() throws Exception {
    String cycle = configuredDefault();
    assertThat(cycle).isEqualTo(new LifecycleProperties(null, null, null, 0).retryCycle());
    BpmnModelInstance model = Bpmn.createExecutableProcess(KEY).camundaHistoryTimeToLive(1)
        .startEvent()
        .serviceTask("task-call-twilio").camundaAsyncBefore()
        .camundaExpression("${twilioIsDown.now}").camundaFailedJobRetryTimeCycle("${retryCycle}")
        .endEvent().done();
    deployment = repository.createDeployment().addModelInstance(KEY + ".bpmn", model).deploy().getId();
    String instance = runtime.startProcessInstanceByKey(KEY, Map.of("retryCycle", cycle)).getId();

    // the first attempt is the job executor's; each retry is then run at once by the test, its
    // wait read from the due date the engine set after the failure before it
    List<Long> waits = new ArrayList<>();
    List<Integer> retriesLeft = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> job(instance).getExceptionMessage() != null);
    long failedAt = System.currentTimeMillis();
    while (true) {
      Job job = job(instance);
      retriesLeft.add(job.getRetries());
      if (job.getRetries() == 0) {
        break;
      }
      waits.add(Duration.ofMillis(job.getDuedate().getTime() - failedAt).toSeconds());
      management.setJobDuedate(job.getId(), new Date(System.currentTimeMillis() + 3_600_000));
      failedAt = System.currentTimeMillis();
      try {
        management.executeJob(job.getId());
      } catch (RuntimeException expected) {
        // the task fails every time
      }
    }

    assertThat(retriesLeft).containsExactly(5, 4, 3, 2, 1, 0);
    assertThat(waits).as("seconds waited before each retry").hasSize(5);
    for (int i = 1; i < waits.size(); i++) {
      assertThat(waits.get(i)).as("wait %d (%s)", i + 1, waits).isGreaterThan(waits.get(i - 1));
    }
    assertThat(waits.get(waits.size() - 1)).as("the last wait").isBetween(110L, 120L);
    assertThat(runtime.createIncidentQuery().processInstanceId(instance).count()).isEqualTo(1);
  }

  private Job job(String instance) {
    return management.createJobQuery().processInstanceId(instance).singleResult();
  }
}
