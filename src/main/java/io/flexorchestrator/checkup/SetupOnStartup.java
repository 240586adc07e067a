package io.flexorchestrator.checkup;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * At start-up: {@code --setup} configures Twilio (see {@link TwilioSetup#apply}), prints what it
 * changed and exits (status 0 when every required check passes, 1 otherwise); in that mode the job
 * executor never starts ({@link SetupModeEnvironmentPostProcessor}). Otherwise the set-up checks run
 * once and each failure is logged as a clear warning; the app starts anyway (health says DOWN).
 */
@Component
public class SetupOnStartup {

  private static final Logger log = LoggerFactory.getLogger(SetupOnStartup.class);

  private final TwilioSetup setup;
  private final ApplicationArguments arguments;
  private final Environment environment;

  public SetupOnStartup(TwilioSetup setup, ApplicationArguments arguments, Environment environment) {
    this.setup = setup;
    this.arguments = arguments;
    this.environment = environment;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void onReady(ApplicationReadyEvent event) {
    if (arguments.containsOption("setup") || Arrays.asList(arguments.getSourceArgs()).contains("--setup")) {
      runSetupAndExit(event.getApplicationContext());
      return;
    }
    Thread check = new Thread(this::checkAndLog, "twilio-setup-check");
    check.setDaemon(true);
    check.start();
  }

  void checkAndLog() {
    try {
      TwilioSetup.Result result = setup.checkNow();
      if (result.ok()) {
        log.info("Twilio set-up checks passed ({} checks)", result.checks().size());
      } else {
        result.checks().stream().filter(c -> !c.ok()).forEach(c ->
            log.warn("Twilio set-up check {} FAILED: {}", c.name(), c.detail()));
      }
    } catch (RuntimeException e) {
      log.warn("Twilio set-up checks could not run: {}", e.toString());
    }
  }

  /**
   * Enabled, Camunda would start the job executor on the same ready event that runs the set-up (in
   * no fixed order), so jobs could run during the set-up; the setting is what decides it.
   */
  private String jobExecutorState() {
    return environment.getProperty("camunda.bpm.job-execution.enabled", Boolean.class, true)
        ? "enabled" : "disabled";
  }

  private void runSetupAndExit(ConfigurableApplicationContext context) {
    int status;
    try {
      var answer = setup.apply();
      System.out.println("flex-orchestrator setup: " + (((java.util.List<?>) answer.get("changed")).isEmpty()
          ? "nothing to change" : "changed:"));
      ((java.util.List<?>) answer.get("changed")).forEach(c -> System.out.println("  - " + c));
      ((java.util.List<?>) answer.get("errors")).forEach(c -> System.out.println("  ERROR " + c));
      ((java.util.List<?>) answer.get("checks")).forEach(c -> System.out.println("  check " + c));
      System.out.println("  job executor " + jobExecutorState());
      status = Boolean.TRUE.equals(answer.get("ok")) ? 0 : 1;
    } catch (RuntimeException e) {
      System.out.println("flex-orchestrator setup failed: " + e.getMessage());
      status = 1;
    }
    int exit = status;
    System.exit(SpringApplication.exit(context, () -> exit));
  }
}
