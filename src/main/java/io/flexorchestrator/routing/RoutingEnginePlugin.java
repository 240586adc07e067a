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
 * a BPMN parse listener.
 *
 * <p>It also builds the DMN engine the routing what-if and the routing test cases evaluate with,
 * from the process engine's DMN configuration (FEEL options and custom functions, blank outputs,
 * default expression languages): the engine's own DMN engine parses a decision only inside an
 * engine command (history time to live) and evaluates JUEL only there, which the public API does
 * not offer for a table that is not deployed. Both the deployed and the proposed table of a
 * what-if go through this one, so they are compared alike.
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
    dmnEngine = standaloneLike(configuration.getDmnEngineConfiguration());
  }

  /** A DMN engine with the process engine's DMN settings and {@link MatchedRules}, usable outside engine commands. */
  static DmnEngine standaloneLike(DefaultDmnEngineConfiguration engine) {
    DefaultDmnEngineConfiguration copy =
        (DefaultDmnEngineConfiguration) DmnEngineConfiguration.createDefaultDmnEngineConfiguration();
    if (engine != null) {
      copy.setFeelCustomFunctionProviders(engine.getFeelCustomFunctionProviders());
      copy.setEnableFeelLegacyBehavior(engine.isEnableFeelLegacyBehavior());
      copy.setReturnBlankTableOutputAsNull(engine.isReturnBlankTableOutputAsNull());
      copy.setDefaultInputExpressionExpressionLanguage(engine.getDefaultInputExpressionExpressionLanguage());
      copy.setDefaultInputEntryExpressionLanguage(engine.getDefaultInputEntryExpressionLanguage());
      copy.setDefaultOutputEntryExpressionLanguage(engine.getDefaultOutputEntryExpressionLanguage());
      copy.setDefaultLiteralExpressionLanguage(engine.getDefaultLiteralExpressionLanguage());
    }
    return MatchedRules.register(copy).buildEngine();
  }

  /** The DMN engine for tables that are not deployed, with {@link MatchedRules} registered. */
  public DmnEngine dmnEngine() {
    if (dmnEngine == null) {
      throw new IllegalStateException("the process engine is not initialised yet");
    }
    return dmnEngine;
  }
}
