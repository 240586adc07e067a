package io.flexorchestrator.lifecycle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.camunda.bpm.engine.repository.DeploymentWithDefinitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys every BPMN and DMN under {@code processes/} at start-up, as one deployment named
 * {@value #DEPLOYMENT_NAME}, with resource names relative to that folder and duplicate filtering:
 * an unchanged file makes no new version, a changed one exactly one. Reads the working directory's
 * {@code processes/} when it exists (analysts edit there), else the copy packaged in the jar.
 */
@Component
public class ProcessesDeployer implements InitializingBean {

  public static final String DEPLOYMENT_NAME = "flex-orchestrator";
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
    DeploymentBuilder deployment = repositoryService.createDeployment()
        .name(DEPLOYMENT_NAME)
        .source("processes/")
        .enableDuplicateFiltering(true);
    models.forEach((name, resource) -> deployment.addInputStream(name, open(resource)));
    DeploymentWithDefinitions result = deployment.deployWithResult();
    log.info("Deployed {} ({} models): {} new or changed process definitions, {} decisions",
        source, models.size(), result.getDeployedProcessDefinitions() == null ? 0
            : result.getDeployedProcessDefinitions().size(),
        result.getDeployedDecisionDefinitions() == null ? 0
            : result.getDeployedDecisionDefinitions().size());
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

  private static InputStream open(Resource resource) {
    try {
      return resource.getInputStream();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }
}
