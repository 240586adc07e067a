package io.flexorchestrator.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.ProcessDefinition;

/**
 * What the engine runs compared with the files of {@code processes/}: which files changed since
 * {@code processes/} was last deployed, and which models run in a newer version deployed from
 * elsewhere (Camunda Modeler's "Deploy", {@code /engine-rest}) whose content differs from the
 * folder's file. Every deployment of the folder has the name {@value ProcessesDeployer#DEPLOYMENT_NAME}
 * and the source {@value ProcessesDeployer#SOURCE}; Modeler names its own (source "Camunda Modeler").
 */
final class DeployedModels {

  /** A model whose newest version did not come from processes/ and differs from its file there. */
  record Outside(String resource, String type, String key, int version, String deploymentId,
      String deploymentName, String source, Date deployedAt) {

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("resource", resource);
      json.put("type", type);
      json.put("key", key);
      json.put("version", version);
      json.put("deploymentId", deploymentId);
      json.put("deploymentName", deploymentName);
      json.put("source", source);
      json.put("deployedAt", deployedAt == null ? null : deployedAt.toInstant().toString());
      return json;
    }

    String describe() {
      return key + " version " + version + " (deployment \"" + deploymentName + "\", source \""
          + source + "\", " + (deployedAt == null ? "" : deployedAt.toInstant()) + ")";
    }
  }

  private final RepositoryService repository;
  private final Map<String, Deployment> deployments = new HashMap<>();

  DeployedModels(RepositoryService repository) {
    this.repository = repository;
  }

  static boolean fromFolder(Deployment deployment) {
    return deployment != null && ProcessesDeployer.DEPLOYMENT_NAME.equals(deployment.getName())
        && ProcessesDeployer.SOURCE.equals(deployment.getSource());
  }

  /** Models of the folder whose newest version was deployed elsewhere with other content. */
  List<Outside> outside(Map<String, byte[]> files) {
    List<Outside> outside = new ArrayList<>();
    for (ProcessDefinition definition : repository.createProcessDefinitionQuery().latestVersion().list()) {
      check("process", definition.getKey(), definition.getVersion(), definition.getDeploymentId(),
          definition.getResourceName(), files, outside);
    }
    for (DecisionDefinition definition : repository.createDecisionDefinitionQuery().latestVersion().list()) {
      check("decision", definition.getKey(), definition.getVersion(), definition.getDeploymentId(),
          definition.getResourceName(), files, outside);
    }
    return outside;
  }

  /** Each file of the folder: {@code new}, {@code changed} or {@code unchanged} since processes/ last deployed it. */
  Map<String, String> changes(Map<String, byte[]> files) {
    Map<String, String> changes = new TreeMap<>();
    List<Deployment> folderDeployments = repository.createDeploymentQuery()
        .deploymentName(ProcessesDeployer.DEPLOYMENT_NAME).deploymentSource(ProcessesDeployer.SOURCE)
        .orderByDeploymentTime().desc().list();
    files.forEach((name, content) -> {
      String status = "new";
      for (Deployment deployment : folderDeployments) {
        if (repository.getDeploymentResourceNames(deployment.getId()).contains(name)) {
          status = Arrays.equals(content, resource(deployment.getId(), name)) ? "unchanged" : "changed";
          break;
        }
      }
      changes.put(name, status);
    });
    return changes;
  }

  private void check(String type, String key, int version, String deploymentId, String resource,
      Map<String, byte[]> files, List<Outside> outside) {
    Deployment deployment = deployments.computeIfAbsent(deploymentId,
        id -> repository.createDeploymentQuery().deploymentId(id).singleResult());
    if (fromFolder(deployment) || !files.containsKey(resource)
        || Arrays.equals(files.get(resource), resource(deploymentId, resource))) {
      return;
    }
    outside.add(new Outside(resource, type, key, version, deploymentId, deployment.getName(),
        deployment.getSource(), deployment.getDeploymentTime()));
  }

  private byte[] resource(String deploymentId, String name) {
    try (InputStream in = repository.getResourceAsStream(deploymentId, name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
