package io.flexorchestrator.delegate;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel.ChannelStatus;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Re-routes the interaction channel to another workflow through the Invites subresource, re-sending
 * the original task's attributes (Twilio does not carry them over). Each invite carries a key in
 * its attributes and existing invites are checked for it first, so a retry never invites twice.
 * A 4xx while the interaction channel or the conversation is already closed (or gone) is the
 * business outcome {@code CONVERSATION_CLOSED}: nothing is left to re-route.
 */
@Component("inviteToWorkflow")
public class InviteToWorkflowDelegate extends TwilioDelegate {

  private final FlexProperties flex;
  private final ObjectMapper mapper;
  private final ConversationLookup conversations;

  public InviteToWorkflowDelegate(TwilioGateway gateway, MeterRegistry meters, FlexProperties flex,
      ObjectMapper mapper, ConversationLookup conversations) {
    super(gateway, meters);
    this.flex = flex;
    this.mapper = mapper;
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "invite-to-workflow";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String interactionSid = string(execution, "interactionSid");
    String channelSid = string(execution, "channelSid");
    try {
      invite(execution, client, interactionSid, channelSid);
    } catch (BpmnError business) {
      throw business;
    } catch (RuntimeException e) {
      if (TwilioErrors.isClientError(e) && (channelEnded(client, interactionSid, channelSid)
          || !conversations.isOpen(client, string(execution, "conversationSid")))) {
        throw new BpmnError(CONVERSATION_CLOSED, "interaction channel or conversation closed");
      }
      throw e;
    }
  }

  private void invite(DelegateExecution execution, TwilioRestClient client, String interactionSid,
      String channelSid) {
    String inviteKey = execution.getProcessInstanceId() + ":invite:" + execution.getVariable("rerouteAttempts");
    Optional<String> existing = existingInvite(client, interactionSid, channelSid, inviteKey);
    if (existing.isPresent()) {
      execution.setVariable("lastInviteSid", existing.get());
      return;
    }
    Map<String, Object> attributes = originalAttributes(client, execution);
    attributes.put("orchestratorInviteKey", inviteKey);
    attributes.put("rerouteAttempt", execution.getVariable("rerouteAttempts"));

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("workspace_sid", flex.workspaceSid());
    String workflow = string(execution, "rerouteWorkflowSid");
    properties.put("workflow_sid", workflow == null || workflow.isBlank() ? flex.rerouteWorkflowSid() : workflow);
    String taskChannel = string(execution, "taskChannel");
    properties.put("task_channel_unique_name", taskChannel == null || taskChannel.isBlank() ? "chat" : taskChannel);
    properties.put("attributes", attributes);
    InteractionChannelInvite invite = InteractionChannelInvite
        .creator(interactionSid, channelSid, Map.of("properties", properties))
        .create(client);
    execution.setVariable("lastInviteSid", invite.getSid());
  }

  private static boolean channelEnded(TwilioRestClient client, String interactionSid,
      String channelSid) {
    try {
      ChannelStatus status = InteractionChannel.fetcher(interactionSid, channelSid).fetch(client)
          .getStatus();
      return status == ChannelStatus.CLOSED || status == ChannelStatus.FAILED;
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return true;
      }
      throw e;
    }
  }

  private Optional<String> existingInvite(TwilioRestClient client, String interactionSid,
      String channelSid, String inviteKey) {
    for (InteractionChannelInvite invite : InteractionChannelInvite.reader(interactionSid, channelSid)
        .read(client)) {
      Object routing = invite.getRouting();
      if (routing != null && routing.toString().contains(inviteKey)) {
        return Optional.of(invite.getSid());
      }
    }
    return Optional.empty();
  }

  /** The attributes of the task being re-routed; rebuilt from the instance if it is gone. */
  private Map<String, Object> originalAttributes(TwilioRestClient client, DelegateExecution execution) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    String taskSid = string(execution, "taskSid");
    if (taskSid != null) {
      try {
        attributes.putAll(mapper.readValue(Task.fetcher(flex.workspaceSid(), taskSid).fetch(client)
            .getAttributes(), new TypeReference<Map<String, Object>>() {}));
      } catch (RuntimeException e) {
        if (!TwilioErrors.isNotFound(e)) {
          throw e;
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
        // rebuilt below
      }
    }
    attributes.remove("orchestratorInviteKey");
    attributes.putIfAbsent("conversationSid", string(execution, "conversationSid"));
    attributes.putIfAbsent("channelType", string(execution, "channelType"));
    attributes.putIfAbsent(CreateInteractionDelegate.INSTANCE_ATTRIBUTE, execution.getProcessInstanceId());
    return attributes;
  }
}
