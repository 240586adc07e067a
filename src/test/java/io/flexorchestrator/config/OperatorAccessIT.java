package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.SandboxIT;
import org.junit.jupiter.api.Test;

/** /engine-rest and /api take the operator account; the rest is reachable as the contract says. */
class OperatorAccessIT extends SandboxIT {

  @Test
  void engineRestNeedsTheOperator() {
    HttpJson anonymous = new HttpJson(port);
    // another user: a wrong password locks the account for a few seconds (Camunda login throttling)
    HttpJson wrong = new HttpJson(port, "nobody", "wrong");
    assertThat(anonymous.get("/engine-rest/engine").status()).isEqualTo(401);
    assertThat(wrong.get("/engine-rest/process-definition").status()).isEqualTo(401);
    HttpJson.Reply ok = operator().get("/engine-rest/process-definition?key=interaction-lifecycle");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().isArray()).isTrue();
    assertThat(ok.json().size()).as(ok.body()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void apiNeedsTheOperatorEvenForPost() {
    HttpJson.Reply reply = new HttpJson(port).post("/api/checkup", "{}");
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().get("error").asText()).contains("authentication");
  }

  @Test
  void healthIsPublicAndCockpitIsServed() {
    assertThat(new HttpJson(port).get("/actuator/health").status()).isEqualTo(200);
    assertThat(new HttpJson(port).get("/camunda/app/cockpit/default/").status()).isIn(200, 302);
  }
}
