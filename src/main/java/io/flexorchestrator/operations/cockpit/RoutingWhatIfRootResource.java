package io.flexorchestrator.operations.cockpit;

import io.flexorchestrator.operations.ApiError;
import io.flexorchestrator.operations.RoutingWhatIfController;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.camunda.bpm.cockpit.plugin.resource.AbstractCockpitPluginRootResource;
import io.flexorchestrator.security.SecurityProperties;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.WebApplicationContextUtils;

/**
 * The plugin's JAX-RS resource in Cockpit's REST application: the web apps' own authentication
 * (a Cockpit login for this engine) and CSRF filter guard it, and only members of the operator
 * group may use it, as on {@code /api} (a read-only Cockpit viewer gets 403); the work is done by
 * the app's {@link RoutingWhatIfController}, so both doors answer alike.
 */
@Path("plugin/" + RoutingWhatIfCockpitPlugin.ID)
public class RoutingWhatIfRootResource extends AbstractCockpitPluginRootResource {

  private static final Logger log = LoggerFactory.getLogger(RoutingWhatIfRootResource.class);

  public RoutingWhatIfRootResource() {
    super(RoutingWhatIfCockpitPlugin.ID);
  }

  @POST
  @Path("{engineName}/what-if")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response whatIf(@PathParam("engineName") String engineName, String body) {
    WebApplicationContext spring = WebApplicationContextUtils.getRequiredWebApplicationContext(servletContext);
    ProcessEngine engine = spring.getBean(ProcessEngine.class);
    if (!engineName.equals(engine.getName())) {
      return Response.status(404).entity(Map.of("error", "unknown engine " + engineName)).build();
    }
    // the web apps' authentication filter runs each request as the logged-in user and groups
    Authentication user = engine.getIdentityService().getCurrentAuthentication();
    String operators = spring.getBean(SecurityProperties.class).operatorGroup();
    if (user == null || user.getGroupIds() == null || !user.getGroupIds().contains(operators)) {
      return Response.status(403).entity(Map.of("error", "only operators (group " + operators
          + ") may run the routing what-if")).build();
    }
    try {
      return Response.ok(spring.getBean(RoutingWhatIfController.class)
          .fromJson(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8))).build();
    } catch (ApiError e) {
      return Response.status(e.status()).entity(Map.of("error", e.getMessage())).build();
    } catch (RuntimeException e) {
      log.error("Routing what-if from Cockpit failed", e);
      return Response.status(503).entity(Map.of("error", "temporarily unavailable")).build();
    }
  }
}
