package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.SandboxIT;
import java.util.List;
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

  @Test
  void healthShowsItsDetailsOnlyToTheOperator() {
    HttpJson.Reply anonymous = new HttpJson(port).get("/actuator/health");
    assertThat(anonymous.status()).isEqualTo(200);
    JsonNode db = anonymous.json().path("components").path("db");
    assertThat(db.path("status").asText()).as(anonymous.body()).isEqualTo("UP");
    assertThat(anonymous.body()).doesNotContain("\"details\"");
    assertThat(operator().get("/actuator/health").body()).as("no credentials are read there")
        .doesNotContain("\"details\"");
    assertThat(new HttpJson(port).get("/actuator/health/operator").status()).isEqualTo(401);

    HttpJson.Reply operator = operator().get("/actuator/health/operator");
    assertThat(operator.status()).isEqualTo(200);
    JsonNode components = operator.json().path("components");
    assertThat(components.path("db").path("details").path("database").asText())
        .as(operator.body()).isEqualTo("H2");
    assertThat(components.path("processEngine").path("details").isMissingNode())
        .as(operator.body()).isFalse();

    HttpJson.Reply wrong = new HttpJson(port, "nobody", "wrong").get("/actuator/health");
    assertThat(wrong.status()).as("a public endpoint never checks a password").isEqualTo(200);
    assertThat(operator().get("/actuator/env").status()).isEqualTo(403);
  }

  @Test
  void cockpitDataNeedsTheCockpitLogin() {
    // the page itself is the login screen; what it shows comes from these APIs
    for (String api : List.of("/camunda/api/engine/engine/default/process-definition",
        "/camunda/api/engine/engine/default/history/process-instance?finished=true",
        "/camunda/api/cockpit/plugin/base/default/process-definition/statistics")) {
      assertThat(new HttpJson(port).get(api).status()).as(api).isEqualTo(401);
      // HTTP Basic is the REST API's way in, not the web apps'
      assertThat(operator().get(api).status()).as(api).isEqualTo(401);
    }
    CockpitSession cockpit = new CockpitSession(port);
    assertThat(cockpit.login("demo", "demo")).isEqualTo(200);
    assertThat(cockpit.get("/camunda/api/engine/engine/default/process-definition").statusCode())
        .isEqualTo(200);
  }
}
