package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/** {@code --setup} on the command line switches the job executor and the scheduled checkup off. */
class SetupModeEnvironmentPostProcessorTest {

  private StandardEnvironment environment(String... args) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
    new SetupModeEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    return env;
  }

  @Test
  void setupModeDisablesJobExecutionAndTheScheduledCheckup() {
    StandardEnvironment env = environment("--server.port=0", "--setup");
    assertThat(env.getProperty("camunda.bpm.job-execution.enabled", Boolean.class)).isFalse();
    assertThat(env.getProperty("orchestrator.checkup.enabled", Boolean.class)).isFalse();
  }

  @Test
  void anOrdinaryStartKeepsThem() {
    StandardEnvironment env = environment("--server.port=0");
    assertThat(env.getProperty("camunda.bpm.job-execution.enabled")).isNull();
    assertThat(env.getProperty("orchestrator.checkup.enabled")).isNull();
  }

  @Test
  void aSetupPropertyFromElsewhereIsNotTheCommandLineMode() {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("other", Map.of("setup", "true")));
    new SetupModeEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("camunda.bpm.job-execution.enabled")).isNull();
  }
}
