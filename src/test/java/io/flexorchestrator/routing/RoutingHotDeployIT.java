package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.ModelerDeployment;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Hot deployment of the routing table while interactions run, through the real path: conversations
 * whose lifecycles have started but not yet routed (Twilio answers their close-timer requests with
 * 503 for a while, so they wait in retries) when a changed table is deployed from Camunda Modeler
 * (multipart to /engine-rest, no restart) route with the table of their start; the next
 * conversation routes with the new one; all of them finish. The original table is deployed again
 * afterwards (same content as processes/, so nothing runs from "outside" for the later tests).
 */
class RoutingHotDeployIT extends SandboxIT {

  private static final String TIMERS = "^POST /sim/conversations/v1/Conversations/CH[0-9a-f]+$";

  @Autowired HistoryService history;
  @Autowired RepositoryService repository;
  @Autowired RuntimeService runtime;

  @Test
  void runningInteractionsKeepTheirTableAndTheNextConversationTakesTheNewOne() throws IOException {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("auto");
    String original = Files.readString(Path.of("processes/routing-decision.dmn"), StandardCharsets.UTF_8);
    int before = latestTable();
    try {
      sim().put("/sim/control/faults", Map.of("rate", 1, "statuses", List.of(503), "only", TIMERS));
      List<String> running = List.of(vip(sandbox), vip(sandbox), vip(sandbox));
      running.forEach(ch -> awaitPinned(ch, before));
      assertThat(running).allSatisfy(ch -> assertThat(routed(ch)).as("still before routing").isFalse());

      HttpResponse<String> deployed = ModelerDeployment.deploy(port, "routing VIP 95", "routing-decision.dmn",
          original.replace("<outputEntry id=\"rule-vip-priority\"><text>50</text>",
              "<outputEntry id=\"rule-vip-priority\"><text>95</text>"));
      assertThat(deployed.statusCode()).as(deployed.body()).isEqualTo(200);
      assertThat(latestTable()).isEqualTo(before + 1);
      String next = vip(sandbox);
      awaitPinned(next, before + 1);
      assertThat(running).allSatisfy(ch -> assertThat(routed(ch)).as("deployed while it waited").isFalse());

      sim().put("/sim/control/faults", Map.of("rate", 0, "statuses", List.of()));
      for (String ch : running) {
        assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
        assertThat(sandbox.variable(ch, "routingPriority")).as(ch + " routed with its own table").isEqualTo(50);
        assertThat(RoutingRecord.fromJson(sandbox.variable(ch, RoutingRecord.VARIABLE)).version()).isEqualTo(before);
        assertThat(interactionPriority(sandbox, ch)).isEqualTo(50);
      }
      assertThat(sandbox.awaitOutcome(next)).isEqualTo("completed");
      assertThat(sandbox.variable(next, "routingPriority")).as("the next conversation").isEqualTo(95);
      assertThat(RoutingRecord.fromJson(sandbox.variable(next, RoutingRecord.VARIABLE)).rule()).isEqualTo("rule-vip");
      assertThat(interactionPriority(sandbox, next)).isEqualTo(95);
    } finally {
      sim().put("/sim/control/faults", Map.of("rate", 0, "statuses", List.of()));
      HttpResponse<String> restored = ModelerDeployment.deploy(port, "routing-decision", "routing-decision.dmn",
          original);
      assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
    }
  }

  private static String vip(Sandbox sandbox) {
    return sandbox.inboundWithAttributes(Sandbox.newCustomer(), "+15550001111", Map.of("tier", "vip"));
  }

  private void awaitPinned(String conversationSid, int version) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      ProcessInstance instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(conversationSid)
          .singleResult();
      assertThat(instance).isNotNull();
      assertThat(runtime.getVariable(instance.getId(), RoutingTaskListener.VERSION_VARIABLE)).isEqualTo(version);
    });
  }

  private boolean routed(String conversationSid) {
    ProcessInstance instance = runtime.createProcessInstanceQuery().processInstanceBusinessKey(conversationSid)
        .singleResult();
    return instance == null || runtime.getVariable(instance.getId(), RoutingRecord.VARIABLE) != null;
  }

  /** The priority the orchestrator gave Twilio when it created the conversation's interaction. */
  private static int interactionPriority(Sandbox sandbox, String conversationSid) throws IOException {
    for (JsonNode request : sandbox.requests(conversationSid)) {
      if (request.get("method").asText().equals("POST") && request.get("path").asText().endsWith("/Interactions")) {
        JsonNode routing = new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(request.get("params").get("Routing").asText());
        return routing.at("/properties/priority").asInt();
      }
    }
    throw new AssertionError("no interaction created for " + conversationSid);
  }

  private int latestTable() {
    return repository.createDecisionDefinitionQuery().decisionDefinitionKey(RoutingTable.DECISION_KEY)
        .latestVersion().singleResult().getVersion();
  }
}
