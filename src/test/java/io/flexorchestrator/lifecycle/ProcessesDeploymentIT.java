package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.FlexOrchestratorApplication;
import io.flexorchestrator.support.HttpJson;
import io.flexorchestrator.support.ModelerDeployment;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Restarts on the same H2 file database: data survives, an unchanged processes/ makes no new
 * version, a changed model exactly one, and a running instance keeps its version. Deploying
 * without a restart: {@code POST /api/deployments} and Camunda Modeler's deployments.
 */
class ProcessesDeploymentIT {

  @TempDir Path dir;

  private ConfigurableApplicationContext start(Path models) {
    // command-line arguments: they win over application.yaml, as an operator's would
    return new SpringApplicationBuilder(FlexOrchestratorApplication.class).run(
        "--server.port=0",
        "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/orchestrator").toAbsolutePath(),
        "--orchestrator.processes-location=file:" + models.toAbsolutePath() + "/",
        "--camunda.bpm.job-execution.enabled=false",
        // not "default": closing this engine would take that name from the shared test context's
        // engine in the JVM-wide registry Cockpit and the REST API look engines up in (and no
        // hyphen: the starter ignores such a name and falls back to "default")
        "--camunda.bpm.process-engine-name=processesDeploymentIt",
        // and no web apps: their lazily started filters take the last started context JVM-wide
        "--camunda.bpm.webapp.enabled=false",
        "--spring.jmx.enabled=false");
  }

  private static Map<String, Integer> versions(ConfigurableApplicationContext app) {
    Map<String, Integer> versions = new TreeMap<>();
    for (ProcessDefinition definition : app.getBean(RepositoryService.class)
        .createProcessDefinitionQuery().latestVersion().list()) {
      versions.put(definition.getKey(), definition.getVersion());
    }
    return versions;
  }

  @Test
  void restartKeepsDataAndDeploysOnlyWhatChanged() throws IOException {
    Path models = dir.resolve("processes");
    copyModels(Path.of("processes"), models);

    String instanceId;
    Map<String, Integer> first;
    try (ConfigurableApplicationContext app = start(models)) {
      first = versions(app);
      assertThat(first).containsKey(LifecycleMessages.PROCESS_KEY);
      instanceId = app.getBean(RuntimeService.class).createProcessInstanceByKey(LifecycleMessages.PROCESS_KEY)
          .businessKey("CH00000000000000000000000000000r01")
          .setVariable("conversationSid", "CH00000000000000000000000000000r01")
          .setVariable("retryCycle", "R1/PT1H")
          .execute().getId();
    }

    try (ConfigurableApplicationContext app = start(models)) {
      assertThat(versions(app)).as("unchanged models: no new version").isEqualTo(first);
      assertThat(app.getBean(RuntimeService.class).createProcessInstanceQuery()
          .processInstanceId(instanceId).count()).as("instance kept across restart").isEqualTo(1);
    }

    Path lifecycle = models.resolve("interaction-lifecycle.bpmn");
    String xml = Files.readString(lifecycle, StandardCharsets.UTF_8);
    Files.writeString(lifecycle, xml.replaceFirst("name=\"Interaction lifecycle\"",
        "name=\"Interaction lifecycle (changed)\""), StandardCharsets.UTF_8);
    assertThat(Files.readString(lifecycle)).contains("Interaction lifecycle (changed)");

    try (ConfigurableApplicationContext app = start(models)) {
      Map<String, Integer> third = versions(app);
      assertThat(third.get(LifecycleMessages.PROCESS_KEY)).isEqualTo(first.get(LifecycleMessages.PROCESS_KEY) + 1);
      third.forEach((key, version) -> {
        if (!key.equals(LifecycleMessages.PROCESS_KEY)) {
          assertThat(version).as(key + " unchanged").isEqualTo(first.get(key));
        }
      });
      ProcessDefinition running = app.getBean(RepositoryService.class).getProcessDefinition(
          app.getBean(RuntimeService.class).createProcessInstanceQuery().processInstanceId(instanceId)
              .singleResult().getProcessDefinitionId());
      assertThat(running.getVersion()).as("running instance keeps its version")
          .isEqualTo(first.get(LifecycleMessages.PROCESS_KEY));
    }
  }

  /**
   * Hot deployment: {@code POST /api/deployments} deploys a changed routing table from the folder
   * without a restart (the lifecycle keeps its version; an instance started before keeps its
   * table); a table deployed from Camunda Modeler stays in effect at the folder's next deployment
   * and is listed as {@code outside} until {@code override}; a model that does not parse is 400
   * with nothing deployed.
   */
  @Test
  void deploysTheFolderWithoutARestartAndNamesWhatModelerDeployed() throws IOException {
    Path models = dir.resolve("hot");
    copyModels(Path.of("processes"), models);
    try (ConfigurableApplicationContext app = start(models)) {
      HttpJson api = new HttpJson(port(app), "demo", "demo");
      RepositoryService repository = app.getBean(RepositoryService.class);
      RuntimeService runtime = app.getBean(RuntimeService.class);
      int lifecycle = versions(app).get(LifecycleMessages.PROCESS_KEY);
      int table = routingVersion(repository);

      HttpJson.Reply status = api.get("/api/deployments");
      assertThat(status.status()).isEqualTo(200);
      assertThat(status.json().get("files").get("routing-decision.dmn").asText()).isEqualTo("unchanged");
      assertThat(status.json().get("outside")).isEmpty();
      HttpJson.Reply nothing = api.post("/api/deployments", null);
      assertThat(nothing.status()).as(nothing.body()).isEqualTo(200);
      assertThat(nothing.json().get("deployed")).isEmpty();

      String before = startLifecycle(runtime, "CH00000000000000000000000000000h01");
      Path dmn = models.resolve("routing-decision.dmn");
      Files.writeString(dmn, vipPriority(Files.readString(dmn), "95"));
      assertThat(api.get("/api/deployments").json().get("files").get("routing-decision.dmn").asText())
          .isEqualTo("changed");
      HttpJson.Reply deployed = api.post("/api/deployments", null);
      assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
      assertThat(deployed.json().get("deployed")).hasSize(1);
      assertThat(deployed.json().at("/deployed/0/key").asText()).isEqualTo("routing-decision");
      assertThat(deployed.json().at("/deployed/0/version").asInt()).isEqualTo(table + 1);
      assertThat(deployed.json().get("unchanged").toString()).contains("interaction-lifecycle.bpmn");
      assertThat(versions(app).get(LifecycleMessages.PROCESS_KEY)).as("lifecycle unchanged").isEqualTo(lifecycle);
      String after = startLifecycle(runtime, "CH00000000000000000000000000000h02");
      assertThat(runtime.getVariable(before, "routingDecisionVersion")).as("started before").isEqualTo(table);
      assertThat(runtime.getVariable(after, "routingDecisionVersion")).as("started after").isEqualTo(table + 1);

      HttpResponse<String> modeler = ModelerDeployment.deploy(port(app), "processesDeploymentIt", "routing-decision",
          "routing-decision.dmn", vipPriority(Files.readString(dmn), "77"));
      assertThat(modeler.statusCode()).as(modeler.body()).isEqualTo(200);
      assertThat(routingVersion(repository)).isEqualTo(table + 2);
      HttpJson.Reply folderAgain = api.post("/api/deployments", null);
      assertThat(folderAgain.status()).as("the folder did not change: Modeler's table stays").isEqualTo(200);
      assertThat(routingVersion(repository)).isEqualTo(table + 2);
      assertThat(folderAgain.json().get("outside")).hasSize(1);
      assertThat(folderAgain.json().at("/outside/0/key").asText()).isEqualTo("routing-decision");
      assertThat(folderAgain.json().at("/outside/0/version").asInt()).isEqualTo(table + 2);
      assertThat(folderAgain.json().at("/outside/0/source").asText()).isEqualTo("Camunda Modeler");
      HttpJson.Reply override = api.post("/api/deployments?override=true", null);
      assertThat(override.status()).as(override.body()).isEqualTo(201);
      assertThat(routingVersion(repository)).as("the folder's file is the newest again").isEqualTo(table + 3);
      assertThat(override.json().get("outside")).isEmpty();

      Files.writeString(models.resolve("broken.bpmn"), "<definitions>not a model");
      HttpJson.Reply broken = api.post("/api/deployments", null);
      assertThat(broken.status()).as(broken.body()).isEqualTo(400);
      assertThat(broken.json().get("error").asText()).startsWith("nothing deployed: ").contains("broken.bpmn");
      assertThat(routingVersion(repository)).isEqualTo(table + 3);
    }
  }

  private static int port(ConfigurableApplicationContext app) {
    return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
  }

  private static int routingVersion(RepositoryService repository) {
    return repository.createDecisionDefinitionQuery().decisionDefinitionKey("routing-decision")
        .latestVersion().singleResult().getVersion();
  }

  private static String startLifecycle(RuntimeService runtime, String conversationSid) {
    return runtime.createProcessInstanceByKey(LifecycleMessages.PROCESS_KEY).businessKey(conversationSid)
        .setVariable("conversationSid", conversationSid).setVariable("retryCycle", "R1/PT1H")
        .execute().getId();
  }

  static String vipPriority(String dmn, String priority) {
    String changed = dmn.replaceFirst("(<outputEntry id=\"rule-vip-priority\"><text>)[0-9]+(</text>)",
        "$1" + priority + "$2");
    assertThat(changed).as("rule-vip's priority cell").isNotEqualTo(dmn);
    return changed;
  }

  private static void copyModels(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn") || f.toString().endsWith(".dmn")).toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
