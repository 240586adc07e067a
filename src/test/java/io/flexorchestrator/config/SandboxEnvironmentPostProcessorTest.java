package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;
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
        "camunda.bpm.admin-user.id", "ops", "camunda.bpm.admin-user.password", "secret",
        "orchestrator.routing.customer-identity-key", KEY));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("orchestrator.sandbox")).isEqualTo("false");
    assertThat(env.getProperty("twilio.account-sid")).isEqualTo("AC123");
    assertThat(env.getProperty("twilio.api-base-url")).isEqualTo("http://mock:9000");
    assertThat(env.getProperty("flex.workspace-sid")).isEqualTo("WS1");
    assertThat(env.getProperty("orchestrator.public-url")).isEqualTo("https://orchestrator.example.com");
    assertThat(env.getProperty("camunda.bpm.admin-user.id")).isEqualTo("ops");
  }

  private static final String KEY = "0123456789abcdef0123456789abcdef";

  private static Map<String, Object> realMode(String... more) {
    Map<String, Object> values = new HashMap<>(Map.of("TWILIO_ACCOUNT_SID", "AC123",
        "TWILIO_AUTH_TOKEN", "t", "CAMUNDA_BPM_ADMINUSER_ID", "ops",
        "CAMUNDA_BPM_ADMINUSER_PASSWORD", "Str0ng-Passw0rd!"));
    for (int i = 0; i + 1 < more.length; i += 2) {
      values.put(more[i], more[i + 1]);
    }
    return values;
  }

  /** As the app sees its environment: relaxed names (ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY). */
  private static StandardEnvironment attached(Map<String, Object> values) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
        "test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, values));
    ConfigurationPropertySources.attach(env);
    return env;
  }

  private static String refusal(Map<String, Object> values) {
    StandardEnvironment env = attached(values);
    return org.assertj.core.api.Assertions.catchThrowableOfType(IllegalStateException.class,
        () -> new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication()))
        .getMessage();
  }

  @Test
  void realModeRefusesAMissingBuiltInOrShortCustomerIdentityKey() {
    assertThat(refusal(realMode())).contains("set ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY");
    assertThat(refusal(realMode("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", SandboxDefaults.CUSTOMER_IDENTITY_KEY)))
        .contains("the sandbox's built-in key");
    assertThat(refusal(realMode("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", "change-me")))
        .contains("has 9 characters: it needs at least 32");
  }

  @Test
  void realModeRefusesTheSandboxAccountNameAndNamesEveryProblemAtOnce() {
    String message = refusal(realMode("CAMUNDA_BPM_ADMINUSER_ID", "demo"));
    assertThat(message).contains("CAMUNDA_BPM_ADMINUSER_ID=demo is the sandbox's account")
        .contains("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY");
  }

  @Test
  void realModeWithGoodSecretsTurnsThePasswordPolicyOnAndUsesADatabaseOfItsOwn() {
    StandardEnvironment env = attached(realMode("ORCHESTRATOR_ROUTING_CUSTOMERIDENTITYKEY", KEY,
        "orchestrator.security.password-policy", "false"));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("orchestrator.routing.customer-identity-key")).isEqualTo(KEY);
    assertThat(env.getProperty("orchestrator.security.password-policy")).isEqualTo("true");
    assertThat(env.getProperty(SandboxEnvironmentPostProcessor.DATABASE_NAME))
        .isEqualTo(SandboxEnvironmentPostProcessor.REAL_DATABASE);

    StandardEnvironment sandbox = attached(Map.of());
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(sandbox, new SpringApplication());
    assertThat(sandbox.getProperty("orchestrator.security.password-policy")).isEqualTo("false");
    assertThat(sandbox.getProperty(SandboxEnvironmentPostProcessor.DATABASE_NAME))
        .isEqualTo(SandboxEnvironmentPostProcessor.SANDBOX_DATABASE);
    assertThat(sandbox.getProperty("orchestrator.routing.customer-identity-key"))
        .isEqualTo(SandboxDefaults.CUSTOMER_IDENTITY_KEY);
  }

  @Test
  void aBareH2FileUrlIsMadeDurableAndAConflictingOneIsRefused() {
    StandardEnvironment env = attached(Map.of("SPRING_DATASOURCE_URL", "jdbc:h2:file:/tmp/x/db"));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
    assertThat(env.getProperty("spring.datasource.url"))
        .isEqualTo("jdbc:h2:file:/tmp/x/db;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");

    StandardEnvironment lazy = attached(Map.of("SPRING_DATASOURCE_URL", "jdbc:h2:./data/x;WRITE_DELAY=500"));
    assertThatThrownBy(() -> new SandboxEnvironmentPostProcessor().postProcessEnvironment(lazy,
        new SpringApplication())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("WRITE_DELAY=500").hasMessageContaining("WRITE_DELAY=0");
  }

  @Test
  void theSessionCookieIsSecureWhenThePublicUrlIsHttps() {
    StandardEnvironment https = attached(Map.of("ORCHESTRATOR_PUBLIC_URL", "https://cc.example.com"));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(https, new SpringApplication());
    assertThat(https.getProperty("server.servlet.session.cookie.secure")).isEqualTo("true");

    StandardEnvironment http = attached(Map.of("ORCHESTRATOR_PUBLIC_URL", "http://localhost:8080"));
    new SandboxEnvironmentPostProcessor().postProcessEnvironment(http, new SpringApplication());
    assertThat(http.getProperty("server.servlet.session.cookie.secure")).isNull();
  }
}
