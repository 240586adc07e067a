package io.flexorchestrator.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Says at start-up which mode the app runs in and where to look. */
@Component
public class StartupReport {

  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);
  private final Environment env;
  private final PublicUrl publicUrl;

  public StartupReport(Environment env, PublicUrl publicUrl) {
    this.env = env;
    this.publicUrl = publicUrl;
  }

  @EventListener(ApplicationReadyEvent.class)
  public void report() {
    if (env.getProperty("orchestrator.sandbox", Boolean.class, false)) {
      log.warn("SANDBOX MODE: no Twilio credentials set, the built-in simulator plays Twilio at {}/sim."
          + " Operator login demo/demo (sandbox only). Cockpit: {}/camunda  Try: curl -X POST {}/sim/control/inbound"
          + " -H 'Content-Type: application/json' -d '{\"from\":\"+15551230001\",\"to\":\"+15550001111\","
          + "\"body\":\"hi\",\"channel\":\"sms\"}'", publicUrl.local(), publicUrl.local(), publicUrl.local());
    } else {
      log.info("Connected to Twilio account {}; webhooks expected at {}/webhooks/…",
          env.getProperty("twilio.account-sid"), publicUrl.base());
    }
  }
}
