package io.flexorchestrator.delegate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Resume a parked interaction: an Invite on its channel, known-agent routing to the worker who
 * parked it ({@code worker_sid}; {@code resumeWorkerSid} instead when an outbound request reuses
 * the parked conversation), with the parked task's attributes plus {@code orchestratorParkId}.
 * Existing invites are checked for that id first (no second invite on a retry). Channel or
 * conversation closed meanwhile (4xx) = BPMN error {@code CONVERSATION_CLOSED}.
 */
@Component("reinviteParkedWorker")
public class ReinviteParkedWorkerDelegate extends TwilioDelegate {

  private final FlexProperties flex;
  private final ObjectMapper mapper;

  public ReinviteParkedWorkerDelegate(TwilioGateway gateway, MeterRegistry meters,
      FlexProperties flex, ObjectMapper mapper) {
    super(gateway, meters);
    this.flex = flex;
    this.mapper = mapper;
  }

  @Override
  protected String operation() {
    return "reinvite-parked-worker";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String interactionSid = string(execution, "interactionSid");
    String channelSid = string(execution, "channelSid");
    String parkId = string(execution, "parkId");
    for (InteractionChannelInvite invite : InteractionChannelInvite.reader(interactionSid, channelSid)
        .read(client)) {
      if (invite.getRouting() != null && invite.getRouting().toString().contains(parkId)) {
        execution.setVariable("resumeInviteSid", invite.getSid());
        return;
      }
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    try {
      attributes.putAll(mapper.readValue(Task.fetcher(flex.workspaceSid(),
          string(execution, "parkedTaskSid")).fetch(client).getAttributes(),
          new TypeReference<Map<String, Object>>() {}));
    } catch (RuntimeException e) {
      if (!TwilioErrors.isNotFound(e)) {
        throw e;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      // rebuilt below
    }
    for (String key : List.of("flexInteractionSid", "flexInteractionChannelSid",
        "flexChannelInviteSid", "conversations", "orchestratorTransferId", "transferMode",
        "orchestratorInviteKey")) {
      attributes.remove(key);
    }
    attributes.put("conversationSid", string(execution, "conversationSid"));
    attributes.put("orchestratorParkId", parkId);
    attributes.put("resumedFromPark", true);
    // an outbound request that reuses the parked conversation names the agent it goes to
    String worker = string(execution, "resumeWorkerSid") != null ? string(execution, "resumeWorkerSid")
        : string(execution, "parkedWorkerSid");
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("workspace_sid", flex.workspaceSid());
    properties.put("workflow_sid", flex.workflowSid());
    if (worker != null && worker.startsWith("WK")) {
      properties.put("worker_sid", worker);
      attributes.put("known_worker_sid", worker);
    }
    properties.put("task_channel_unique_name", "chat");
    properties.put("attributes", attributes);
    try {
      InteractionChannelInvite invite = InteractionChannelInvite
          .creator(interactionSid, channelSid, Map.of("properties", properties)).create(client);
      execution.setVariable("resumeInviteSid", invite.getSid());
    } catch (RuntimeException e) {
      if (TwilioErrors.isClientError(e)) {
        throw new BpmnError(CONVERSATION_CLOSED, "channel or conversation closed: " + e.getMessage());
      }
      throw e;
    }
  }
}
