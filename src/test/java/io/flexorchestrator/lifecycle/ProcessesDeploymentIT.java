package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.FlexOrchestratorApplication;
import java.io.IOException;
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
 * version, a changed model exactly one, and a running instance keeps its version.
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

  private static void copyModels(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".bpmn") || f.toString().endsWith(".dmn")).toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }
}
