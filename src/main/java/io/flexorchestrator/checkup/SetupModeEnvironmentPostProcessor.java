package io.flexorchestrator.checkup;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * {@code --setup} (see {@link SetupOnStartup}) configures Twilio and exits: nothing else may run
 * meanwhile, so the job executor (which would pick up lifecycle and checkup jobs) and the scheduled
 * checkup are switched off before any bean exists. Only the command line counts, not a property
 * named {@code setup} from elsewhere.
 */
public class SetupModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

  static final String OPTION = "setup";
  static final String SOURCE_NAME = "flexOrchestratorSetupMode";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
    PropertySource<?> commandLine = env.getPropertySources()
        .get(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME);
    if (commandLine == null || !commandLine.containsProperty(OPTION)) {
      return;
    }
    env.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, Map.of(
        "camunda.bpm.job-execution.enabled", false,
        "orchestrator.checkup.enabled", false)));
  }
}
