package io.flexorchestrator.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Maps the contract's environment variables onto the app's properties and decides between sandbox
 * mode (no Twilio credentials: the built-in simulator plays Twilio) and real mode, before any bean
 * exists. In sandbox mode it supplies the simulator's account, SIDs, the demo operator and the
 * built-in pseudonym key; in real mode it refuses to start without an operator account or with
 * sandbox secrets ({@link RealModeSecrets}), turns Camunda's password policy on and gives the
 * default H2 file database another name, so real mode never opens the sandbox's data. In both, an
 * H2 file URL gets the settings that make a commit durable ({@link H2Durability}), and the session
 * cookie is {@code Secure} when the public URL is https.
 *
 * <p>The variables are mapped here rather than with {@code ${VAR:}} placeholders in
 * application.yaml so that an unset variable leaves room for the sandbox default.
 */
public class SandboxEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

  static final String SOURCE_NAME = "flexOrchestratorContractEnvironment";
  /** Camunda's password policy (application.yaml): off in the sandbox, always on in real mode. */
  static final String PASSWORD_POLICY = "orchestrator.security.password-policy";
  /** The file name of the default H2 database under ./data (application.yaml). */
  static final String DATABASE_NAME = "orchestrator.database.default-h2-name";
  static final String SANDBOX_DATABASE = "flex-orchestrator";
  static final String REAL_DATABASE = "flex-orchestrator-real";

  private static final Map<String, String> CONTRACT_VARIABLES = Map.of(
      "TWILIO_ACCOUNT_SID", "twilio.account-sid",
      "TWILIO_AUTH_TOKEN", "twilio.auth-token",
      "TWILIO_API_BASE_URL", "twilio.api-base-url",
      "FLEX_WORKSPACE_SID", "flex.workspace-sid",
      "FLEX_WORKFLOW_SID", "flex.workflow-sid",
      "FLEX_CHAT_SERVICE_SID", "flex.chat-service-sid",
      "ORCHESTRATOR_PUBLIC_URL", "orchestrator.public-url");

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
    Map<String, Object> props = new LinkedHashMap<>();
    CONTRACT_VARIABLES.forEach((variable, property) -> {
      String value = env.getProperty(variable);
      if (StringUtils.hasText(value) && !StringUtils.hasText(env.getProperty(property))) {
        props.put(property, value.trim());
      }
    });
    boolean sandbox = !StringUtils.hasText(firstOf(env, props, "twilio.account-sid"))
        && !StringUtils.hasText(firstOf(env, props, "twilio.auth-token"));
    props.put("orchestrator.sandbox", sandbox);
    if (sandbox) {
      props.putIfAbsent("twilio.account-sid", SandboxDefaults.ACCOUNT_SID);
      props.putIfAbsent("twilio.auth-token", SandboxDefaults.AUTH_TOKEN);
      props.putIfAbsent("twilio.api-base-url",
          "http://localhost:${local.server.port:${server.port:8080}}/sim");
      props.putIfAbsent("flex.workspace-sid", SandboxDefaults.WORKSPACE_SID);
      props.putIfAbsent("flex.workflow-sid", SandboxDefaults.WORKFLOW_SID);
      props.putIfAbsent("flex.fallback-workflow-sid", SandboxDefaults.FALLBACK_WORKFLOW_SID);
      props.putIfAbsent("flex.chat-service-sid", SandboxDefaults.CHAT_SERVICE_SID);
      // the sandbox demo greets the customer; real deployments opt in per channel
      props.putIfAbsent("orchestrator.routing.channels.default.greeting", true);
      if (!StringUtils.hasText(env.getProperty("camunda.bpm.admin-user.id"))) {
        props.put("camunda.bpm.admin-user.id", SandboxDefaults.ADMIN_USER);
        props.put("camunda.bpm.admin-user.password", SandboxDefaults.ADMIN_PASSWORD);
      }
      if (!StringUtils.hasText(env.getProperty(RealModeSecrets.KEY_PROPERTY))) {
        props.put(RealModeSecrets.KEY_PROPERTY, SandboxDefaults.CUSTOMER_IDENTITY_KEY);
      }
      // demo/demo would fail Camunda's password policy; the sandbox has no secrets to protect
      if (!StringUtils.hasText(env.getProperty(PASSWORD_POLICY))) {
        props.put(PASSWORD_POLICY, false);
      }
      props.put(DATABASE_NAME, SANDBOX_DATABASE);
    } else {
      List<String> problems = RealModeSecrets.problems(env);
      if (!problems.isEmpty()) {
        throw RealModeSecrets.refusal(problems);
      }
      props.put(PASSWORD_POLICY, true);
      props.put(DATABASE_NAME, REAL_DATABASE);
    }
    String publicUrl = firstOf(env, props, "orchestrator.public-url");
    if (publicUrl != null && publicUrl.trim().toLowerCase(Locale.ROOT).startsWith("https://")) {
      // behind TLS the session cookie must never travel in clear, whatever the proxy forwards
      props.put("server.servlet.session.cookie.secure", true);
    }
    // what is configured explicitly wins over the mapped and sandbox values
    props.keySet().removeIf(key -> !key.startsWith("orchestrator.")
        && StringUtils.hasText(env.getProperty(key)));
    env.getPropertySources().addFirst(new MapPropertySource(SOURCE_NAME, props));
    String url = env.getProperty("spring.datasource.url");
    String durable = H2Durability.durable(url);
    if (durable != null && !durable.equals(url)) {
      props.put("spring.datasource.url", durable);
    }
  }

  private static String firstOf(ConfigurableEnvironment env, Map<String, Object> props, String key) {
    Object mapped = props.get(key);
    return mapped != null ? mapped.toString() : env.getProperty(key);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE;
  }
}
