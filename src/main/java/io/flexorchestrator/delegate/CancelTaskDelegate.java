package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Date;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * taskrouter mode only — the one place where the Task API ends a task: the conversation closed
 * (timer or API) while the task the instance follows ({@code routedTaskSid}) was still open, and no
 * interaction channel exists that could take it down. A pending or reserved task is canceled, an
 * assigned or wrapping one completed; a task already ended or gone is success.
 */
@Component("cancelTask")
public class CancelTaskDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(CancelTaskDelegate.class);
  static final String REASON = "Conversation closed";

  private final FlexProperties flex;

  public CancelTaskDelegate(TwilioGateway gateway, MeterRegistry meters, FlexProperties flex) {
    super(gateway, meters);
    this.flex = flex;
  }

  @Override
  protected String operation() {
    return "cancel-task";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String taskSid = string(execution, "routedTaskSid");
    if (taskSid == null) {
      return;
    }
    Optional<Task.Status> status = status(client, taskSid);
    if (status.isPresent() && isOpen(status.get())) {
      Task.Status target = status.get() == Task.Status.PENDING || status.get() == Task.Status.RESERVED
          ? Task.Status.CANCELED : Task.Status.COMPLETED;
      try {
        Task.updater(flex.workspaceSid(), taskSid).setAssignmentStatus(target).setReason(REASON)
            .update(client);
        log.info("Task {} {}: its conversation closed", taskSid, target);
      } catch (RuntimeException e) {
        // it moved meanwhile (e.g. reserved → assigned): try once more from its new status
        Optional<Task.Status> now = TwilioErrors.isClientError(e) ? status(client, taskSid) : status;
        if (now.isPresent() && isOpen(now.get())) {
          if (now.get() == status.get()) {
            throw e;
          }
          Task.updater(flex.workspaceSid(), taskSid).setAssignmentStatus(Task.Status.COMPLETED)
              .setReason(REASON).update(client);
        }
      }
    }
    execution.setVariable("taskEndedAt", new Date());
  }

  private Optional<Task.Status> status(TwilioRestClient client, String taskSid) {
    try {
      return Optional.ofNullable(Task.fetcher(flex.workspaceSid(), taskSid).fetch(client).getAssignmentStatus());
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static boolean isOpen(Task.Status status) {
    return status == Task.Status.PENDING || status == Task.Status.RESERVED
        || status == Task.Status.ASSIGNED || status == Task.Status.WRAPPING;
  }
}
