package io.flexorchestrator.checkup;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code twilioSetup}: DOWN with one actionable message per
 * failed required check (advisory ones, like a missing known-agent workflow, only warn) (the cached result of {@link TwilioSetup}, refreshed every
 * {@code orchestrator.checkup.setup-check-refresh}).
 */
@Component
public class TwilioSetupHealthIndicator extends AbstractHealthIndicator {

  private final TwilioSetup setup;

  public TwilioSetupHealthIndicator(TwilioSetup setup) {
    super("Twilio set-up check failed");
    this.setup = setup;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    TwilioSetup.Result result = setup.checks();
    builder.status(result.ok() ? "UP" : "DOWN").withDetail("checkedAt", result.at().toString());
    result.checks().forEach(check -> builder.withDetail(check.name(),
        (check.ok() ? "OK: " : TwilioSetup.ADVISORY.contains(check.name()) ? "WARNING: " : "FAILED: ")
            + check.detail()));
  }
}
