package io.flexorchestrator.security;

import io.flexorchestrator.config.SandboxDefaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.identity.PasswordPolicyResult;
import org.camunda.bpm.engine.identity.PasswordPolicyRule;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Real mode's checks that need the engine, made as soon as it is built and before Camunda's
 * starter creates the admin user (a lower order than the starter's plugins): the admin password
 * from the environment must pass Camunda's password policy, and the database must not hold the
 * sandbox's account (a database that ran in sandbox mode, with {@code demo/demo} and simulator
 * data, is no production database). Either refuses the start, naming every problem.
 */
@Component
@Order(-100)
public class RealModeGuard extends AbstractProcessEnginePlugin {

  private static final Logger log = LoggerFactory.getLogger(RealModeGuard.class);

  private final Environment env;

  public RealModeGuard(Environment env) {
    this.env = env;
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    if (env.getProperty("orchestrator.sandbox", Boolean.class, true)) {
      return;
    }
    IdentityService identity = engine.getIdentityService();
    List<String> problems = new ArrayList<>();
    String adminId = env.getProperty("camunda.bpm.admin-user.id", "");
    String password = env.getProperty("camunda.bpm.admin-user.password", "");
    PasswordPolicyResult policy = identity.checkPasswordAgainstPolicy(password, identity.newUser(adminId));
    if (!policy.isValid()) {
      problems.add("CAMUNDA_BPM_ADMINUSER_PASSWORD fails Camunda's password policy ("
          + String.join(", ", policy.getViolatedRules().stream().map(RealModeGuard::describe).toList())
          + ")");
    }
    if (identity.createUserQuery().userId(SandboxDefaults.ADMIN_USER).count() > 0) {
      problems.add("the database holds the sandbox's account \"" + SandboxDefaults.ADMIN_USER
          + "\": it ran in sandbox mode (demo/demo, simulator data). Give real mode a database of its"
          + " own: a new SPRING_DATASOURCE_URL, or the default H2 file ./data/flex-orchestrator-real");
    }
    if (!problems.isEmpty()) {
      String message = "Real mode refuses to start: " + String.join("; ", problems) + ".";
      log.error(message);
      throw new IllegalStateException(message);
    }
  }

  static String describe(PasswordPolicyRule rule) {
    Map<String, String> p = rule.getParameters() == null ? Map.of() : rule.getParameters();
    String name = rule.getPlaceholder() == null ? "" : rule.getPlaceholder();
    if (name.endsWith("LENGTH")) {
      return "at least " + p.getOrDefault("minLength", "10") + " characters";
    } else if (name.endsWith("LOWERCASE")) {
      return "at least " + p.getOrDefault("minLowerCase", "1") + " lower-case letter(s)";
    } else if (name.endsWith("UPPERCASE")) {
      return "at least " + p.getOrDefault("minUpperCase", "1") + " upper-case letter(s)";
    } else if (name.endsWith("DIGIT")) {
      return "at least " + p.getOrDefault("minDigit", "1") + " digit(s)";
    } else if (name.endsWith("SPECIAL")) {
      return "at least " + p.getOrDefault("minSpecial", "1") + " special character(s)";
    } else if (name.endsWith("USER_DATA")) {
      return "must not contain the user name";
    }
    return name;
  }
}
