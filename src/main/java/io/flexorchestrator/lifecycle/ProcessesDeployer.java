package io.flexorchestrator.lifecycle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys the BPMN and DMN files under {@code processes/}, at start-up and on
 * {@code POST /api/deployments} (no restart), as deployments named {@value #DEPLOYMENT_NAME} with
 * source {@value #SOURCE}, resource names relative to that folder and duplicate filtering: an
 * unchanged file makes no new version, a changed one exactly one. Reads the working directory's
 * {@code processes/} when it exists (analysts edit there), else the copy packaged in the jar.
 *
 * <p>Which source wins: the newest version of a model is in effect, wherever it was deployed
 * from. A model deployed from Camunda Modeler (or any other {@code /engine-rest} client) therefore
 * stays in effect across restarts until its file in {@code processes/} changes, or an operator
 * deploys the folder with {@code override}. Such a model is logged at start-up and listed by
 * {@code GET /api/deployments} under {@code outside}, so the two sources never differ silently.
 */
@Component
public class ProcessesDeployer implements InitializingBean {

  public static final String DEPLOYMENT_NAME = "flex-orchestrator";
  public static final String SOURCE = "processes/";
  private static final Logger log = LoggerFactory.getLogger(ProcessesDeployer.class);

  private final RepositoryService repositoryService;
  private final String location;
  private final PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();

  public ProcessesDeployer(RepositoryService repositoryService,
      @Value("${orchestrator.processes-location:file:processes/}") String location) {
    this.repositoryService = repositoryService;
    this.location = location.endsWith("/") ? location : location + "/";
  }

  @Override
  public void afterPropertiesSet() {
    Map<String, Object> result = deploy(false);
    log.info("Deployed {}: {} new or changed definitions, {} files unchanged", result.get("location"),
        ((List<?>) result.get("deployed")).size(), ((List<?>) result.get("unchanged")).size());
  }

  /**
   * Deploys the files of the folder that changed since it was last deployed; with
   * {@code override} also those of models running in a version deployed elsewhere (so the
   * folder's file becomes the newest version again). Running instances keep their versions.
   *
   * @return {@code location}, {@code deploymentIds}, {@code deployed} (resource, type, key,
   *     version, id of each new definition), {@code unchanged} (files) and {@code outside} (models
   *     still running in a version deployed elsewhere)
   * @throws IllegalStateException when neither the folder nor the jar holds a model
   */
  public synchronized Map<String, Object> deploy(boolean override) {
    Folder folder = read();
    DeployedModels models = new DeployedModels(repositoryService);
    List<String> deploymentIds = new ArrayList<>();
    List<Map<String, Object>> deployed = new ArrayList<>();
    DeploymentWithDefinitions changed = deployment(folder.files().keySet(), folder, true);
    collect(changed, deploymentIds, deployed);
    if (override) {
      Set<String> overridden = new TreeSet<>();
      models.outside(folder.files()).forEach(outside -> overridden.add(outside.resource()));
      if (!overridden.isEmpty()) {
        collect(deployment(overridden, folder, false), deploymentIds, deployed);
      }
    }
    List<DeployedModels.Outside> outside = models.outside(folder.files());
    for (DeployedModels.Outside model : outside) {
      log.warn("{} is in effect, deployed outside {} and different from its file {}: it stays in "
          + "effect until that file changes or the folder is deployed with override "
          + "(POST /api/deployments?override=true)", model.describe(), SOURCE, model.resource());
    }
    Set<String> names = new TreeSet<>();
    deployed.forEach(definition -> names.add((String) definition.get("resource")));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("location", folder.source());
    result.put("deploymentIds", deploymentIds);
    result.put("deployed", deployed);
    result.put("unchanged", folder.files().keySet().stream().filter(name -> !names.contains(name)).toList());
    result.put("outside", outside.stream().map(DeployedModels.Outside::toJson).toList());
    return result;
  }

  /** What {@link #deploy} would do now: each file's change since the folder's last deployment, and {@code outside}. */
  public Map<String, Object> status() {
    Folder folder = read();
    DeployedModels models = new DeployedModels(repositoryService);
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("location", folder.source());
    status.put("files", models.changes(folder.files()));
    status.put("outside", models.outside(folder.files()).stream().map(DeployedModels.Outside::toJson).toList());
    return status;
  }

  private DeploymentWithDefinitions deployment(Set<String> names, Folder folder, boolean changedOnly) {
    DeploymentBuilder deployment = repositoryService.createDeployment().name(DEPLOYMENT_NAME).source(SOURCE);
    if (changedOnly) {
      deployment.enableDuplicateFiltering(true);
    }
    names.forEach(name -> deployment.addInputStream(name, new ByteArrayInputStream(folder.files().get(name))));
    return deployment.deployWithResult();
  }

  private static void collect(DeploymentWithDefinitions result, List<String> ids, List<Map<String, Object>> deployed) {
    int before = deployed.size();
    for (ProcessDefinition definition : nonNull(result.getDeployedProcessDefinitions())) {
      deployed.add(definition("process", definition.getResourceName(), definition.getKey(),
          definition.getVersion(), definition.getId()));
    }
    for (DecisionDefinition definition : nonNull(result.getDeployedDecisionDefinitions())) {
      deployed.add(definition("decision", definition.getResourceName(), definition.getKey(),
          definition.getVersion(), definition.getId()));
    }
    if (deployed.size() > before) {
      ids.add(result.getId());
    }
  }

  private static Map<String, Object> definition(String type, String resource, String key, int version, String id) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("resource", resource);
    json.put("type", type);
    json.put("key", key);
    json.put("version", version);
    json.put("id", id);
    return json;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }

  /** The models to deploy: the configured folder's, else the jar's copy; file name to content. */
  private record Folder(String source, Map<String, byte[]> files) {}

  private Folder read() {
    String source = location;
    Map<String, Resource> models = findModels(location);
    if (models.isEmpty()) {
      source = "classpath:processes/";
      models = findModels(source);
    }
    if (models.isEmpty()) {
      throw new IllegalStateException("No BPMN or DMN found under " + location
          + " nor in the packaged processes/: nothing to run.");
    }
    Map<String, byte[]> files = new TreeMap<>();
    models.forEach((name, resource) -> files.put(name, content(resource)));
    return new Folder(source, files);
  }

  private Map<String, Resource> findModels(String base) {
    Map<String, Resource> models = new TreeMap<>();
    for (String pattern : new String[] {"**/*.bpmn", "**/*.dmn"}) {
      try {
        for (Resource resource : resolver.getResources(base + pattern)) {
          if (resource.exists() && resource.isReadable()) {
            String name = relativeName(resource, base);
            if (name != null && !name.startsWith(".")) {
              models.put(name, resource);
            }
          }
        }
      } catch (IOException e) {
        // a missing folder is no error: the packaged copy is the fallback
        log.debug("No models at {}{}: {}", base, pattern, e.getMessage());
      }
    }
    return models;
  }

  private String relativeName(Resource resource, String base) throws IOException {
    String url = resource.getURL().toString();
    String marker = "processes/";
    int at = url.lastIndexOf("/" + marker);
    if (base.startsWith("file:")) {
      Resource root = resolver.getResource(base);
      String rootUrl = root.getURL().toString();
      return url.startsWith(rootUrl) ? url.substring(rootUrl.length()) : null;
    }
    return at < 0 ? null : url.substring(at + marker.length() + 1);
  }

  private static byte[] content(Resource resource) {
    try (InputStream in = resource.getInputStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
