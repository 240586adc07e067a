package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ActivityInstance;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many concurrent lifecycles with virtual agents in auto mode on the shortest delays: every one
 * must end {@code completed} (nothing accepted is ever lost). At 0 ms the agents accept, wrap up and
 * complete while the create-interaction job is still running, so the inbox must keep those events
 * until the instance can take them. When a lifecycle does not end, its state is dumped: activity
 * instance tree, variables, jobs, incidents, subscriptions, inbox rows, the simulator's task and
 * its webhook deliveries. Larger runs: {@code -Dstress.lifecycles=150 -Dstress.delay-ms=50}.
 */
class LifecycleStressIT extends SandboxIT {

  private static final int LIFECYCLES = Integer.getInteger("stress.lifecycles", 40);
  private static final int DELAY_MS = Integer.getInteger("stress.delay-ms", 0);

  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  @Autowired ManagementService management;
  @Autowired JdbcTemplate jdbc;

  @Test
  void everyConcurrentLifecycleEndsCompletedWithAgentsOnShortDelays() throws Exception {
    Sandbox sandbox = new Sandbox(sim(), history);
    JsonNode before = sim().get("/sim/control/agents").json();
    List<String> conversations = new ArrayList<>();
    try {
      sim().put("/sim/control/agents", Map.of("mode", "auto", "acceptAfterMs", DELAY_MS,
          "wrapupAfterMs", DELAY_MS, "completeAfterMs", DELAY_MS));
      ExecutorService customers = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> sent = new ArrayList<>();
        for (int i = 0; i < LIFECYCLES; i++) {
          sent.add(customers.submit(() -> sandbox.inbound(Sandbox.newCustomer())));
        }
        for (Future<String> f : sent) {
          conversations.add(f.get());
        }
      } finally {
        customers.shutdown();
      }
      String[] keys = conversations.toArray(String[]::new);
      try {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
            .until(() -> history.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKeyIn(keys).finished().count() == LIFECYCLES);
      } catch (ConditionTimeoutException stuck) {
        throw new AssertionError("lifecycles that did not end:\n" + dumpUnfinished(keys), stuck);
      }
    } finally {
      sim().put("/sim/control/agents", Map.of("mode", before.get("mode").asText(),
          "acceptAfterMs", before.get("acceptAfterMs").asLong(),
          "wrapupAfterMs", before.get("wrapupAfterMs").asLong(),
          "completeAfterMs", before.get("completeAfterMs").asLong()));
    }
    for (String ch : conversations) {
      assertThat(sandbox.awaitOutcome(ch)).as("outcome of %s", ch).isEqualTo("completed");
    }
    assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM webhook_inbox WHERE status = 'DEAD'"
        + " AND conversation_sid IN (" + conversations.stream().map(c -> "'" + c + "'")
        .collect(Collectors.joining(",")) + ")", Integer.class)).as("dead-lettered events").isZero();
  }

  private String dumpUnfinished(String[] keys) {
    Set<String> ended = history.createHistoricProcessInstanceQuery().processInstanceBusinessKeyIn(keys)
        .finished().list().stream().map(HistoricProcessInstance::getBusinessKey)
        .collect(Collectors.toSet());
    StringBuilder out = new StringBuilder();
    for (String ch : keys) {
      if (ended.contains(ch)) {
        continue;
      }
      out.append("=== ").append(ch).append('\n');
      List<ProcessInstance> running = runtime.createProcessInstanceQuery()
          .processInstanceBusinessKey(ch).list();
      for (ProcessInstance p : running) {
        out.append("instance ").append(p.getId()).append(" of ").append(p.getProcessDefinitionId())
            .append('\n');
        tree(runtime.getActivityInstance(p.getId()), "  ", out);
        out.append("  variables ").append(runtime.getVariables(p.getId())).append('\n');
        for (Job job : management.createJobQuery().processInstanceId(p.getId()).list()) {
          out.append("  job ").append(job.getId()).append(" retries ").append(job.getRetries())
              .append(" due ").append(job.getDuedate()).append(" exception ")
              .append(job.getExceptionMessage()).append('\n');
        }
        runtime.createIncidentQuery().processInstanceId(p.getId()).list().forEach(i -> out
            .append("  incident ").append(i.getIncidentType()).append(' ')
            .append(i.getIncidentMessage()).append('\n'));
        runtime.createEventSubscriptionQuery().processInstanceId(p.getId()).list().forEach(s -> out
            .append("  subscription ").append(s.getEventType()).append(' ')
            .append(s.getEventName()).append(" at ").append(s.getActivityId()).append('\n'));
      }
      jdbc.queryForList("SELECT id, event_type, task_sid, status, attempts, received_at,"
          + " next_attempt_at, applied_at, last_error FROM webhook_inbox WHERE conversation_sid = ?"
          + " ORDER BY id", ch).forEach(row -> out.append("  inbox ").append(row).append('\n'));
      JsonNode tasks = sim().get("/sim/control/state/tasks?conversationSid=" + ch).json();
      out.append("  sim tasks ").append(tasks).append('\n');
      for (JsonNode task : tasks) {
        String sid = task.get("sid").asText();
        for (JsonNode d : sim().get("/sim/control/webhooks").json()) {
          if (d.get("params").toString().contains(sid)) {
            out.append("  delivery ").append(d.get("params").get("EventType").asText())
                .append(" attempt ").append(d.get("attempt")).append(" status ")
                .append(d.get("status")).append(" at ").append(d.get("at").asText()).append('\n');
          }
        }
      }
    }
    System.out.println(out);
    return out.toString();
  }

  private static void tree(ActivityInstance instance, String indent, StringBuilder out) {
    if (instance == null) {
      return;
    }
    out.append(indent).append(instance.getActivityId()).append('\n');
    for (ActivityInstance child : instance.getChildActivityInstances()) {
      tree(child, indent + "  ", out);
    }
  }
}
