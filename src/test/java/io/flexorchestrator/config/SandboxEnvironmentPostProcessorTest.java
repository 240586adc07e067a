package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SandboxEnvironmentPostProcessorTest {

  private static StandardEnvironment environment(Map<String, Object> values) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("test", values));
    return env;
  }

  @Test
  void withoutTwilioCredentialsItIsTheSandboxWithTheDemoOperator() {
    StandardEnvironment env = environment(Map.of());
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("orchestrator.sandbox")).isEqualTo("true");
    assertThat(env.getProperty("twilio.account-sid")).isEqualTo(SandboxDefaults.ACCOUNT_SID);
    assertThat(env.getProperty("flex.workspace-sid")).isEqualTo(SandboxDefaults.WORKSPACE_SID);
    assertThat(env.getProperty("camunda.bpm.admin-user.id")).isEqualTo("demo");
  }

  @Test
  void withTwilioCredentialsButNoOperatorItRefusesToStartWithAClearMessage() {
    StandardEnvironment env = environment(Map.of("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_AUTH_TOKEN", "t"));
    assertThatThrownBy(() -> new SandboxEnvironmentPostProcessor().postProcessEnvironment(env,
        new SpringApplication()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("CAMUNDA_BPM_ADMINUSER_ID").hasMessageContaining("CAMUNDA_BPM_ADMINUSER_PASSWORD");
  }

  @Test
  void withCredentialsAndOperatorTheContractVariablesAreMapped() {
    StandardEnvironment env = environment(Map.of("TWILIO_ACCOUNT_SID", "AC123", "TWILIO_AUTH_TOKEN", "t",
        "TWILIO_API_BASE_URL", "http://mock:9000", "FLEX_WORKSPACE_SID", "WS1",
        "ORCHESTRATOR_PUBLIC_URL", "https://orchestrator.example.com",
        "camunda.bpm.admin-user.id", "ops", "camunda.bpm.admin-user.password", "secret"));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("orchestrator.sandbox")).isEqualTo("false");
    assertThat(env.getProperty("twilio.account-sid")).isEqualTo("AC123");
    assertThat(env.getProperty("twilio.api-base-url")).isEqualTo("http://mock:9000");
    assertThat(env.getProperty("flex.workspace-sid")).isEqualTo("WS1");
    assertThat(env.getProperty("orchestrator.public-url")).isEqualTo("https://orchestrator.example.com");
    assertThat(env.getProperty("camunda.bpm.admin-user.id")).isEqualTo("ops");
  }
}
