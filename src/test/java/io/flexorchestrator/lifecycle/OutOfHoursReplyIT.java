package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.FlexOrchestratorApplication;
import io.flexorchestrator.routing.MessageTexts;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.Sandbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The out-of-hours reply end to end. Business hours are one setting for the whole app, so this
 * runs its own app (own in-memory database and engine) with the contact center always closed and
 * the reply switched on, instead of changing the context the other ITs share.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutOfHoursReplyIT {

  private ConfigurableApplicationContext app;
  private Sandbox sandbox;
  private HistoryService history;

  @BeforeAll
  void startClosedContactCenter() {
    app = new SpringApplicationBuilder(FlexOrchestratorApplication.class).profiles("it").run(
        "--server.port=0",
        "--spring.datasource.url=jdbc:h2:mem:flex-orchestrator-it-out-of-hours;DB_CLOSE_DELAY=-1",
        "--camunda.bpm.process-engine-name=outOfHours",
        // the web apps keep JVM-wide state (their lazily started filters take the last started
        // context), so a second app in the test JVM leaves them to the shared context
        "--camunda.bpm.webapp.enabled=false",
        "--spring.jmx.enabled=false",
        "--orchestrator.checkup.enabled=false",
        // open == close: closed at every time of every day
        "--orchestrator.routing.business-hours.open=00:00",
        "--orchestrator.routing.business-hours.close=00:00",
        "--orchestrator.routing.channels.default.out-of-hours-reply=true");
    int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    history = app.getBean(HistoryService.class);
    sandbox = new Sandbox(new HttpJson(port), history);
    sandbox.agents("manual");
  }

  @AfterAll
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aCustomerWritingOutOfHoursGetsTheReplyBeforeBeingRouted() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String text = app.getBean(MessageTexts.class).text("out-of-hours", "sms");
    assertThat(text).isNotBlank();

    await().atMost(Duration.ofSeconds(60)).until(() -> sandbox.conversation(ch).get("messages")
        .toString().contains(text));
    JsonNode reply = null;
    for (JsonNode message : sandbox.conversation(ch).get("messages")) {
      if (message.toString().contains(text)) {
        reply = message;
      }
    }
    assertThat(reply).isNotNull();
    assertThat(reply.get("author").asText()).isEqualTo(app.getBean(MessageTexts.class).author());

    // still routed to an agent, after the reply
    sandbox.awaitTask(ch, "pending");
    assertThat(sandbox.variable(ch, "withinBusinessHours")).isEqualTo(false);
    String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
        .singleResult().getId();
    assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("task-send-out-of-hours-reply").finished().count()).isEqualTo(1);
    List<String> order = new ArrayList<>();
    for (JsonNode call : sandbox.requests(ch)) {
      String path = call.get("path").asText();
      if (call.get("method").asText().equals("POST") && path.endsWith("/Messages")) {
        order.add("message");
      } else if (call.get("method").asText().equals("POST") && path.endsWith("/Interactions")) {
        order.add("interaction");
      }
    }
    assertThat(order).containsSubsequence("message", "interaction");
  }
}
