package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A Twilio write that took effect but whose answer was lost (the simulator applies it, then answers
 * 500): the job's retry looks before it creates, so there is still exactly one Invite, one agent
 * participant.
 */
class LostAnswerIT extends SandboxIT {

  private static final String TASKROUTER_MODE_ADDRESS = "+15550003333";
  private static final String ALICE = "WK5a5db0c5a5db0c5a5db0c5a5db0c0001";
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired HistoryService history;
  private Sandbox sandbox;

  @BeforeEach
  void manualAgents() {
    sandbox = new Sandbox(sim(), history);
    sandbox.agents("manual");
  }

  /** The next write matching {@code only} is applied, then answered 500; once. */
  private void loseTheAnswerOfTheNext(String only) {
    assertThat(sim().put("/sim/control/faults", Map.of("rate", 1, "statuses", List.of(500),
        "applyThenFailShare", 1, "only", only, "count", 1)).status()).isEqualTo(200);
  }

  private void assertTheFaultWasInjectedAfterApplying() {
    await().atMost(WAIT).until(() -> sim().get("/sim/control/faults").json().get("injected").asLong() == 1);
    assertThat(sim().get("/sim/control/faults").json().get("injectedAfterApply").asLong()).isEqualTo(1);
  }

  @Test
  void aReinviteWhoseAnswerWasLostIsNotSentTwice() {
    String ch = sandbox.inbound(Sandbox.newCustomer());
    String first = sandbox.awaitTask(ch, "pending");
    await().atMost(WAIT).until(() -> sandbox.variable(ch, "interactionSid") != null);
    String interactionSid = sandbox.variable(ch, "interactionSid").toString();
    loseTheAnswerOfTheNext("^POST /sim/flex-api/v1/Interactions/" + interactionSid + "/Channels/[^/]+/Invites$");

    sandbox.task(first, "timeout");
    String second = sandbox.awaitTask(ch, t -> !t.get("sid").asText().equals(first)
        && t.get("status").asText().equals("pending"));
    assertTheFaultWasInjectedAfterApplying();
    awaitFinished(ch, "task-invite-to-fallback-workflow"); // after its retry (R10/PT1S in the it profile)

    assertThat(sandbox.count(sandbox.requests(interactionSid), "POST", "/Invites")).as("invite POSTs").isEqualTo(1);
    assertThat(sandbox.interaction(interactionSid).get("channels").get(0).get("invites")).hasSize(1);
    assertThat(sandbox.tasks(ch)).as("the original task and the one of the single invite").hasSize(2);
    sandbox.task(second, "accept");
    sandbox.task(second, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(sandbox.tasks(ch)).hasSize(2);
  }

  @Test
  void anAgentParticipantWhoseAnswerWasLostIsNotAddedTwice() {
    String ch = sandbox.inbound(Sandbox.newCustomer(), TASKROUTER_MODE_ADDRESS, "sms");
    String task = sandbox.awaitTask(ch, "pending");
    loseTheAnswerOfTheNext("^POST /sim/conversations/v1/Conversations/" + ch + "/Participants$");

    assertThat(sim().post("/sim/control/tasks/" + task + "/accept", Map.of("workerSid", ALICE)).status())
        .isEqualTo(200);
    assertTheFaultWasInjectedAfterApplying();
    awaitFinished(ch, "task-add-agent-to-conversation");
    assertThat(agents(ch)).as("agent participants").hasSize(1);

    sandbox.task(task, "wrapup");
    await().atMost(WAIT).until(() -> agents(ch).isEmpty());
    sandbox.task(task, "complete");
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    assertThat(sandbox.count(sandbox.requests(ch), "POST", ch + "/Participants")).as("participant POSTs")
        .isEqualTo(1);
  }

  /** Waits until the lifecycle's task has completed (its failed first attempt is no activity). */
  private void awaitFinished(String ch, String activityId) {
    String instance = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(ch)
        .singleResult().getId();
    await().atMost(WAIT).until(() -> history.createHistoricActivityInstanceQuery()
        .processInstanceId(instance).activityId(activityId).finished().count() == 1);
  }

  private List<JsonNode> agents(String ch) {
    List<JsonNode> agents = new java.util.ArrayList<>();
    for (JsonNode participant : sandbox.conversation(ch).path("participants")) {
      if ("agent_alice".equals(participant.path("identity").asText())) {
        agents.add(participant);
      }
    }
    return agents;
  }
}
