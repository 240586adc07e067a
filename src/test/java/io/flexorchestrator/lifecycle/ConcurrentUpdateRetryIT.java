package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;

import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.webhook.InboxEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Through the real path (simulator → signed webhook → inbox → engine): the first apply of an
 * agent's acceptance correlates, then meets an {@link OptimisticLockingException} as if another
 * callback had changed the instance meanwhile. Its transaction is rolled back and the event is
 * applied again in a new one, once. Its own database: the spied applier makes its own context.
 */
@TestPropertySource(properties = {
    "spring.datasource.url=jdbc:h2:mem:concurrent-update-it;DB_CLOSE_DELAY=-1;QUERY_CACHE_SIZE=256",
    // its own engine name: a second "default" would take that name from the shared context's
    // engine in the JVM-wide registry Cockpit and the REST API look engines up in
    "camunda.bpm.process-engine-name=concurrentUpdateIt",
    // nor the web apps: their lazily started filters take the last started context JVM-wide
    "camunda.bpm.webapp.enabled=false"})
class ConcurrentUpdateRetryIT extends SandboxIT {

  @MockitoSpyBean LifecycleApplier applier;
  @Autowired HistoryService history;
  @Autowired JdbcTemplate jdbc;

  @Test
  void anAcceptanceThatMeetsAConcurrentUpdateIsAppliedAgainInANewTransactionOnce() {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String task = sandbox.awaitTask(ch, "pending");

    List<String> steps = new CopyOnWriteArrayList<>();
    doAnswer(call -> {
      InboxEvent event = call.getArgument(0);
      if (!"reservation.accepted".equals(event.eventType()) || !ch.equals(event.conversationSid())) {
        return call.callRealMethod();
      }
      boolean first = steps.isEmpty();
      steps.add("apply in a transaction: " + TransactionSynchronizationManager.isActualTransactionActive());
      Object outcome = call.callRealMethod();
      if (first) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            steps.add(status == STATUS_ROLLED_BACK ? "rolled back" : "completed " + status);
          }
        });
        throw new OptimisticLockingException("another callback changed the instance meanwhile");
      }
      return outcome;
    }).when(applier).apply(any());

    sandbox.task(task, "accept");
    await().atMost(Duration.ofSeconds(60)).until(() -> steps.size() >= 3);
    String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
        .singleResult().getId();
    await().atMost(Duration.ofSeconds(60)).until(() -> history.createHistoricActivityInstanceQuery()
        .processInstanceId(instance).activityId("catch-reservation-accepted").finished().count() > 0);

    assertThat(steps).containsExactly("apply in a transaction: true", "rolled back",
        "apply in a transaction: true");
    assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("catch-reservation-accepted").count()).as("the acceptance reached the instance once")
        .isEqualTo(1);
    // retried at once by the applying thread, not left for the poller as a failed attempt
    assertThat(jdbc.queryForList("SELECT status || ' after ' || attempts FROM webhook_inbox"
        + " WHERE conversation_sid = ? AND event_type = 'reservation.accepted'", String.class, ch))
        .containsExactly("DONE after 0");

    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(sandbox.instances(ch)).isEqualTo(1);
  }
}
