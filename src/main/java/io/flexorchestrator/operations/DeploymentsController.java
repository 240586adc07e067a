package io.flexorchestrator.operations;

import io.flexorchestrator.lifecycle.ProcessesDeployer;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnEngineException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.model.xml.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deploys the models of {@code processes/} ({@code orchestrator.processes-location}) without a
 * restart ({@link ProcessesDeployer}): {@code POST /api/deployments} → 201 when something was
 * deployed, 200 when every file was unchanged, 400 when a model does not parse (nothing is
 * deployed then). {@code ?override=true} also deploys the folder's file of every model running in
 * a version deployed elsewhere (Camunda Modeler). {@code GET /api/deployments}: what a POST would
 * deploy, and those models. Running instances keep their versions; new ones take the new ones.
 */
@RestController
public class DeploymentsController {

  private static final Logger log = LoggerFactory.getLogger(DeploymentsController.class);

  private final ProcessesDeployer deployer;

  public DeploymentsController(ProcessesDeployer deployer) {
    this.deployer = deployer;
  }

  @GetMapping("/api/deployments")
  public Map<String, Object> status() {
    return deployer.status();
  }

  @PostMapping("/api/deployments")
  public ResponseEntity<Map<String, Object>> deploy(
      @RequestParam(name = "override", defaultValue = "false") boolean override) {
    Map<String, Object> result;
    try {
      result = deployer.deploy(override);
    } catch (ProcessEngineException | DmnEngineException | ModelException e) {
      String message = e.getMessage() == null ? "the models could not be deployed" : e.getMessage();
      log.warn("Deployment of the processes folder refused: {}", message);
      throw ApiError.badRequest("nothing deployed: " + firstLine(message));
    } catch (IllegalStateException e) {
      throw new ApiError(409, e.getMessage());
    }
    boolean nothing = ((List<?>) result.get("deployed")).isEmpty();
    if (!nothing) {
      log.info("Deployed from the operations API: {}", result.get("deployed"));
    }
    return ResponseEntity.status(nothing ? 200 : 201).body(result);
  }

  private static String firstLine(String message) {
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline);
    return line.length() > 1000 ? line.substring(0, 1000) + "…" : line;
  }
}
