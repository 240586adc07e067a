package io.flexorchestrator.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.HistoryService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Cockpit plugin "Interaction history": Cockpit loads it through its config.js, and the
 * history queries it sends with the operator's Cockpit session return a finished interaction with
 * its end event, outcome, worker and interaction SID.
 */
class InteractionHistoryPluginIT extends SandboxIT {

  private static final String SCRIPTS = "/camunda/app/cockpit/scripts/";
  private static final String ENGINE_API = "/camunda/api/engine/engine/default/";

  @Autowired HistoryService history;
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void cockpitLoadsThePluginAndItsQueriesShowAFinishedInteraction() throws Exception {
    Sandbox sandbox = new Sandbox(sim(), history);
    sandbox.agents("auto");
    String ch = sandbox.inbound(Sandbox.newCustomer());
    assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");

    CockpitSession cockpit = new CockpitSession(port);
    assertThat(cockpit.login("demo", "demo")).isEqualTo(200);
    HttpResponse<String> config = cockpit.get(SCRIPTS + "config.js");
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.body()).contains("customScripts: [", "'scripts/interaction-history'");
    HttpResponse<String> plugin = cockpit.get(SCRIPTS + "interaction-history.js");
    assertThat(plugin.statusCode()).isEqualTo(200);
    assertThat(plugin.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).contains("javascript"));
    assertThat(plugin.body())
        .contains("pluginPoint: 'cockpit.route'", "pluginPoint: 'cockpit.navigation'");

    JsonNode finished = json(cockpit.get(ENGINE_API + query(plugin.body(), "FINISHED")
        + "&processInstanceBusinessKeyLike=%25" + ch.substring(2) + "%25"
        + "&firstResult=0&maxResults=51"));
    assertThat(finished).hasSize(1);
    JsonNode instance = finished.get(0);
    assertThat(instance.get("businessKey").asText()).isEqualTo(ch);
    assertThat(instance.get("endTime").isNull()).isFalse();

    JsonNode variables = json(cockpit.get(ENGINE_API + query(plugin.body(), "VARIABLES")
        + instance.get("id").asText()));
    assertThat(variables.findValuesAsText("name"))
        .containsExactlyInAnyOrder("outcome", "workerSid", "interactionSid");
    for (JsonNode variable : variables) {
      String value = variable.get("value").asText();
      switch (variable.get("name").asText()) {
        case "outcome" -> assertThat(value).isEqualTo("completed");
        case "workerSid" -> assertThat(value).startsWith("WK");
        default -> assertThat(value).startsWith("KD");
      }
    }
    JsonNode ended = json(cockpit.get(ENGINE_API + query(plugin.body(), "END_EVENT")
        + instance.get("id").asText()));
    JsonNode end = null;
    for (JsonNode activity : ended) {
      if (activity.get("parentActivityInstanceId").asText().equals(instance.get("id").asText())) {
        end = activity;
      }
    }
    assertThat(end).as(ended.toString()).isNotNull();
    assertThat(end.get("activityId").asText()).isEqualTo("end-completed");
    assertThat(end.get("activityName").asText()).isEqualTo("Interaction completed");
  }

  /** The engine query a constant of the plugin script holds ('...' + '...' concatenated). */
  private static String query(String script, String constant) {
    Matcher declaration = Pattern.compile("const " + constant + " = ((?:'[^']*'\\s*\\+?\\s*)+);")
        .matcher(script);
    assertThat(declaration.find()).as("const %s in the plugin", constant).isTrue();
    StringBuilder query = new StringBuilder();
    Matcher part = Pattern.compile("'([^']*)'").matcher(declaration.group(1));
    while (part.find()) {
      query.append(part.group(1));
    }
    return query.toString();
  }

  private JsonNode json(HttpResponse<String> reply) throws Exception {
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return mapper.readTree(reply.body());
  }
}
