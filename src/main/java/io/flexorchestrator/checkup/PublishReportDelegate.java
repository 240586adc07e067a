package io.flexorchestrator.checkup;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Ends the run's report: finish time and summary (found, acted, skipped, failed), kept as the
 * variables {@code report} (full JSON) and {@code summary} (short, readable in Cockpit's list).
 */
@Component("checkupPublishReport")
public class PublishReportDelegate implements JavaDelegate {

  private static final Logger log = LoggerFactory.getLogger(PublishReportDelegate.class);

  @Override
  public void execute(DelegateExecution execution) {
    CheckupReport report = CheckupReport.load(execution);
    Map<String, Object> summary = report.finish();
    report.save(execution);
    String text = "found " + summary.get("found") + ", acted " + summary.get("acted") + ", skipped "
        + summary.get("skipped") + ", failed " + summary.get("failed") + "; scanned "
        + report.data().get("scanned");
    execution.setVariable("summary", text);
    log.info("System checkup {} ({}): {}", execution.getProcessInstanceId(),
        execution.getVariable("trigger"), text);
  }
}
