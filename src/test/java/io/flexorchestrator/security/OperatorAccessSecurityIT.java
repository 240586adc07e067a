package io.flexorchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.support.CockpitSession;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.RawHttp;
import io.flexorchestrator.support.SandboxIT;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.authorization.Groups;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Only operators get in: a user outside the operator group is refused on /api, /engine-rest and
 * the operator's actuator paths, cannot make itself an admin through any door, and gets no web
 * app; a read-only Cockpit user (viewer group, made as the README says through /engine-rest)
 * reads everything Cockpit shows and changes nothing; /api refuses cross-site and non-JSON
 * requests, after the authentication check.
 */
class OperatorAccessSecurityIT extends SandboxIT {

  private static final AtomicInteger USERS = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired IdentityService identity;
  @Autowired org.camunda.bpm.engine.AuthorizationService authorizations;
  @Autowired SecurityProperties properties;

  /** A user made by the operator through /engine-rest, optionally put in a group. */
  private String user(String prefix, String password, String group) {
    String id = prefix + System.nanoTime() % 1_000_000 + USERS.incrementAndGet();
    HttpJson.Reply created = operator().post("/engine-rest/user/create", Map.of(
        "profile", Map.of("id", id, "firstName", "Test", "lastName", "User", "email", id + "@example.com"),
        "credentials", Map.of("password", password)));
    assertThat(created.status()).as(created.body()).isEqualTo(204);
    if (group != null) {
      HttpJson.Reply member = operator().put("/engine-rest/group/" + group + "/members/" + id, null);
      assertThat(member.status()).as(member.body()).isEqualTo(204);
    }
    return id;
  }

  private static Map<String, Object> deployment() {
    return Map.of("deployment-name", "attack");
  }

  @Test
  void aUserOutsideTheOperatorGroupIsRefusedAndCannotMakeItselfAnAdmin() throws Exception {
    String stranger = user("stranger", "Stranger-Pass-1", null);
    HttpJson as = new HttpJson(port, stranger, "Stranger-Pass-1");
    for (String path : List.of("/api/inbox", "/api/setup", "/engine-rest/user", "/engine-rest/engine",
        "/engine-rest/process-definition", "/actuator/health/operator", "/actuator/metrics")) {
      HttpJson.Reply reply = as.get(path);
      assertThat(reply.status()).as(path).isEqualTo(403);
      assertThat(reply.json().get("error").asText()).contains("operator group");
    }
    assertThat(as.post("/api/checkup", null).status()).isEqualTo(403);
    assertThat(as.put("/engine-rest/group/" + Groups.CAMUNDA_ADMIN + "/members/" + stranger, null).status())
        .isEqualTo(403);
    assertThat(as.put("/engine-rest/group/flex-operators/members/" + stranger, null).status()).isEqualTo(403);
    assertThat(as.post("/engine-rest/deployment/create", deployment()).status()).isEqualTo(403);

    // the web apps: a login is accepted only for an app the user may use, and Camunda's
    // authorizations refuse every change through their API
    CockpitSession cockpit = new CockpitSession(port);
    assertThat(cockpit.login(stranger, "Stranger-Pass-1", "cockpit").statusCode()).isEqualTo(403);
    assertThat(new CockpitSession(port).login(stranger, "Stranger-Pass-1", "admin").statusCode())
        .isEqualTo(403);
    HttpResponse<String> welcome = cockpit.login(stranger, "Stranger-Pass-1", "welcome");
    assertThat(welcome.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(welcome.body()).get("authorizedApps").toString())
        .doesNotContain("cockpit").doesNotContain("admin").doesNotContain("tasklist");
    // as the browser does after a login: a read hands out the new session's CSRF token
    assertThat(cockpit.get("/camunda/api/admin/auth/user/default").statusCode()).isEqualTo(200);
    HttpResponse<String> join = cockpit.send("PUT", "/camunda/api/engine/engine/default/group/"
        + Groups.CAMUNDA_ADMIN + "/members/" + stranger, null);
    assertThat(join.statusCode()).as(join.body()).isEqualTo(403);
    assertThat(join.body()).contains("permission");
    HttpResponse<String> grant = cockpit.send("POST", "/camunda/api/engine/engine/default/authorization/create",
        "{\"type\":1,\"permissions\":[\"ALL\"],\"userId\":\"" + stranger + "\",\"resourceType\":0,"
            + "\"resourceId\":\"*\"}");
    assertThat(grant.statusCode()).as(grant.body()).isEqualTo(403);
    assertThat(grant.body()).contains("permission");
    JsonNode definitions = JSON.readTree(
        cockpit.get("/camunda/api/engine/engine/default/process-definition").body());
    assertThat(definitions.isArray() && definitions.isEmpty()).as(definitions.toString()).isTrue();

    assertThat(identity.createUserQuery().userId(stranger).memberOfGroup(Groups.CAMUNDA_ADMIN).count()).isZero();
    assertThat(identity.createUserQuery().userId(stranger).memberOfGroup("flex-operators").count()).isZero();
  }

  @Test
  void aViewerReadsCockpitAndTheInteractionHistoryButChangesNothing() throws Exception {
    String viewer = user("viewer", "Viewer-Pass-1", "flex-viewers");
    CockpitSession cockpit = new CockpitSession(port);
    HttpResponse<String> login = cockpit.login(viewer, "Viewer-Pass-1", "cockpit");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    assertThat(JSON.readTree(login.body()).get("authorizedApps").toString())
        .contains("cockpit").doesNotContain("admin").doesNotContain("tasklist");

    JsonNode definitions = JSON.readTree(cockpit.get(
        "/camunda/api/engine/engine/default/process-definition?key=interaction-lifecycle").body());
    assertThat(definitions).as("the viewer sees the lifecycle").isNotEmpty();
    // the queries of the "Interaction history" plugin and of Cockpit's dashboard
    assertThat(cockpit.get("/camunda/api/engine/engine/default/history/process-instance"
        + "?processDefinitionKey=interaction-lifecycle&finished=true&maxResults=5").statusCode()).isEqualTo(200);
    assertThat(cockpit.get("/camunda/api/cockpit/plugin/base/default/process-definition/statistics")
        .statusCode()).isEqualTo(200);

    String definitionId = definitions.get(0).get("id").asText();
    assertThat(cockpit.get("/camunda/api/admin/auth/user/default").statusCode()).isEqualTo(200);
    assertThat(cockpit.send("PUT", "/camunda/api/engine/engine/default/process-definition/" + definitionId
        + "/suspended", "{\"suspended\":true,\"includeProcessInstances\":false}").statusCode())
        .as("suspending a definition").isEqualTo(403);
    assertThat(cockpit.send("POST", "/camunda/api/cockpit/plugin/flex-routing-what-if/default/what-if",
        "{\"dmnXml\":\"<definitions/>\"}").statusCode()).as("the routing what-if page is for operators")
        .isEqualTo(403);
    assertThat(new CockpitSession(port).login(viewer, "Viewer-Pass-1", "admin").statusCode()).isEqualTo(403);
    assertThat(new HttpJson(port, viewer, "Viewer-Pass-1").get("/api/inbox").status()).isEqualTo(403);
  }

  @Test
  void theOperatorFromTheEnvironmentIsInTheOperatorGroupAndHasEveryApp() throws Exception {
    assertThat(identity.createUserQuery().userId("demo").memberOfGroup("flex-operators").count()).isEqualTo(1);
    assertThat(identity.createUserQuery().userId("demo").memberOfGroup(Groups.CAMUNDA_ADMIN).count()).isEqualTo(1);
    HttpResponse<String> login = new CockpitSession(port).login("demo", "demo", "admin");
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(login.body()).get("authorizedApps").toString())
        .contains("cockpit").contains("admin").contains("tasklist");
    assertThat(operator().get("/engine-rest/user?maxResults=5").status()).isEqualTo(200);
  }

  /** What every start does with the admin of the environment, run twice with a rotated password. */
  @Test
  void atEveryStartTheEnvironmentsPasswordIsTheValidOneAndTheAdminIsUnlockedAndAnOperator() {
    String admin = "rotated" + USERS.incrementAndGet() + System.nanoTime() % 100_000;
    start(admin, "First-Secret-1");
    assertThat(new HttpJson(port, admin, "First-Secret-1").get("/api/inbox").status()).isEqualTo(200);

    identity.checkPassword(admin, "a wrong one"); // as a stranger's guess would
    start(admin, "Second-Secret-2");
    assertThat(new HttpJson(port, admin, "Second-Secret-2").get("/api/inbox").status()).isEqualTo(200);
    assertThat(new HttpJson(port, admin, "First-Secret-1").get("/api/inbox").status())
        .as("the password before the rotation").isEqualTo(401);
    assertThat(identity.createUserQuery().userId(admin).memberOfGroup("flex-operators").count()).isEqualTo(1);
    assertThat(identity.createUserQuery().userId(admin).memberOfGroup(Groups.CAMUNDA_ADMIN).count()).isEqualTo(1);
  }

  private void start(String admin, String password) {
    new OperatorAccounts(identity, authorizations, properties, new org.springframework.mock.env.MockEnvironment()
        .withProperty("camunda.bpm.admin-user.id", admin)
        .withProperty("camunda.bpm.admin-user.password", password)).apply();
  }

  @Test
  void apiRefusesCrossSiteAndNonJsonRequestsAfterTheAuthenticationCheck() throws Exception {
    String demo = RawHttp.basic("demo", "demo");
    String self = "http://localhost:" + port;
    String park = "/api/interactions/CH0000000000000000000000000000c5f1/park";

    assertThat(raw("POST", "/api/checkup", Map.of("Origin", "https://evil.example"), null).status())
        .as("no credentials: 401 before anything else").isEqualTo(401);
    RawHttp.Response crossOrigin = raw("POST", "/api/checkup",
        Map.of("Authorization", demo, "Origin", "https://evil.example"), null);
    assertThat(crossOrigin.status()).isEqualTo(403);
    assertThat(crossOrigin.body()).contains("cross-site");
    assertThat(raw("POST", park, Map.of("Authorization", demo, "Sec-Fetch-Site", "cross-site"), null)
        .status()).isEqualTo(403);
    assertThat(raw("GET", "/engine-rest/engine", Map.of("Authorization", demo, "Origin", "null"), null)
        .status()).as("a sandboxed frame").isEqualTo(403);
    assertThat(raw("POST", park, Map.of("Authorization", demo, "Origin", self, "Sec-Fetch-Site",
        "same-origin"), null).status()).as("same origin, bodiless: on to the controller").isEqualTo(404);

    String outbound = "/api/interactions/outbound";
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
      RawHttp.Response refused = raw("POST", outbound, Map.of("Authorization", demo, "Content-Type", type),
          "{\"channel\":\"sms\"}");
      assertThat(refused.status()).as(type).isEqualTo(415);
      assertThat(refused.body()).contains("application/json");
    }
    assertThat(raw("POST", outbound, Map.of("Authorization", demo), "{\"channel\":\"sms\"}").status())
        .as("a body without a content type").isEqualTo(415);
    assertThat(raw("POST", outbound, Map.of("Authorization", demo, "Content-Type",
        "application/json; charset=utf-8"), "{\"channel\":\"sms\"}").status()).as("JSON: validated").isEqualTo(400);
    assertThat(raw("POST", park, Map.of("Authorization", demo), null).status())
        .as("a bodiless POST needs no content type").isEqualTo(404);
  }

  private RawHttp.Response raw(String method, String path, Map<String, String> headers, String body)
      throws Exception {
    return RawHttp.send("127.0.0.1", port, method, path, headers, body);
  }
}
