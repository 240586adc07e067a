package io.flexorchestrator.routing;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.impl.DefaultDmnEngineConfiguration;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.springframework.stereotype.Component;

/**
 * Process engine plugin (the engine's documented extension point; the Spring Boot starter applies
 * every such bean, the model tests list it in {@code camunda-model-test.cfg.xml}): registers
 * {@link MatchedRules} in the engine's DMN engine configuration and {@link RoutingTaskListener} as
 * a BPMN parse listener, and hands out the engine's DMN engine, with which the routing what-if
 * evaluates tables exactly as the lifecycle does, without deploying them.
 */
@Component
public class RoutingEnginePlugin extends AbstractProcessEnginePlugin {

  private volatile DmnEngine dmnEngine;

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    DefaultDmnEngineConfiguration dmn = configuration.getDmnEngineConfiguration();
    if (dmn == null) {
      dmn = (DefaultDmnEngineConfiguration) DmnEngineConfiguration.createDefaultDmnEngineConfiguration();
      configuration.setDmnEngineConfiguration(dmn);
    }
    MatchedRules.register(dmn);
    List<BpmnParseListener> listeners = configuration.getCustomPostBPMNParseListeners() == null
        ? new ArrayList<>() : new ArrayList<>(configuration.getCustomPostBPMNParseListeners());
    listeners.add(new RoutingTaskListener());
    configuration.setCustomPostBPMNParseListeners(listeners);
  }

  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    dmnEngine = configuration.getDmnEngine();
  }

  /** The process engine's DMN engine, with {@link MatchedRules} registered. */
  public DmnEngine dmnEngine() {
    if (dmnEngine == null) {
      throw new IllegalStateException("the process engine is not initialised yet");
    }
    return dmnEngine;
  }
}
