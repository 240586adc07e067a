package io.flexorchestrator.checkup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;

/**
 * What the checkup's service tasks share: the Twilio client, pacing, the report, the open-task
 * look-up. Retryable Twilio failures (429, 5xx) are rethrown for the job's retry cycle; a sweep
 * step is idempotent, so a retry repeats the page without a second effect.
 */
abstract class CheckupStep implements JavaDelegate {

  static final List<String> OPEN_TASK_STATUSES = List.of("pending", "reserved", "assigned", "wrapping");
  static final ObjectMapper MAPPER = new ObjectMapper();

  final TwilioGateway gateway;
  final TwilioPacer pacer;
  final CheckupProperties properties;

  CheckupStep(TwilioGateway gateway, TwilioPacer pacer, CheckupProperties properties) {
    this.gateway = gateway;
    this.pacer = pacer;
    this.properties = properties;
  }

  @Override
  public final void execute(DelegateExecution execution) {
    CheckupReport report = CheckupReport.load(execution);
    run(execution, gateway.client(), report);
    report.save(execution);
  }

  abstract void run(DelegateExecution execution, TwilioRestClient client, CheckupReport report);

  boolean budgetLeft(CheckupReport report) {
    return report.actions() < properties.getMaxActionsPerRun();
  }

  /** Tasks whose attributes match the TaskRouter expression, any status; newest first. */
  List<Task> tasks(TwilioRestClient client, String workspaceSid, String expression,
      List<String> statuses) {
    pacer.read();
    var reader = Task.reader(workspaceSid).setEvaluateTaskAttributes(expression).setPageSize(50L);
    if (statuses != null) {
      reader.setAssignmentStatus(statuses);
    }
    List<Task> tasks = new ArrayList<>(reader.firstPage(client).getRecords());
    tasks.sort((a, b) -> compare(b, a));
    return tasks;
  }

  private static int compare(Task a, Task b) {
    if (a.getDateCreated() == null || b.getDateCreated() == null) {
      return 0;
    }
    return a.getDateCreated().compareTo(b.getDateCreated());
  }

  /** The customer's binding type (sms, whatsapp, …; chat without a binding) and proxy address. */
  String[] channelOf(TwilioRestClient client, String conversationSid) {
    pacer.read();
    for (Participant p : Participant.reader(conversationSid).setPageSize(50L).firstPage(client)
        .getRecords()) {
      if (p.getMessagingBinding() instanceof Map<?, ?> binding && binding.get("type") != null) {
        Object proxy = binding.get("proxy_address");
        return new String[] {binding.get("type").toString(), proxy == null ? null : proxy.toString()};
      }
    }
    return new String[] {"chat", null};
  }

  static Map<String, Object> json(String value) {
    if (value == null || value.isBlank()) {
      return Map.of();
    }
    try {
      return MAPPER.readValue(value, new TypeReference<>() {});
    } catch (Exception notAnObject) {
      return Map.of();
    }
  }

  static boolean notFound(RuntimeException e) {
    return TwilioErrors.isNotFound(e);
  }

  static String string(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? null : value.toString();
  }
}
