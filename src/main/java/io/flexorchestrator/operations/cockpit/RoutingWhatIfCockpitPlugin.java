package io.flexorchestrator.operations.cockpit;

import java.util.Set;
import org.camunda.bpm.cockpit.plugin.spi.impl.AbstractCockpitPlugin;

/**
 * Server side of the Cockpit plugin "Routing what-if" (Cockpit's plugin SPI, found through
 * {@code META-INF/services}): {@code POST /camunda/api/cockpit/plugin/flex-routing-what-if/{engine}/what-if}
 * with the operator's Cockpit session and CSRF token, the same answer as {@code POST
 * /api/routing/what-if}. The page itself is {@code app/cockpit/scripts/routing-what-if.js}.
 */
public class RoutingWhatIfCockpitPlugin extends AbstractCockpitPlugin {

  public static final String ID = "flex-routing-what-if";

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public Set<Class<?>> getResourceClasses() {
    return Set.of(RoutingWhatIfRootResource.class);
  }
}
