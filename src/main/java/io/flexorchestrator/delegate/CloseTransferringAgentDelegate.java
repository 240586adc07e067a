package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelParticipant;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Cold transfer, once the target accepted: closes the transferring agent's interaction channel
 * participant ({@code Status=closed}; Flex completes that agent's task and removes the agent). The
 * participant is found by its {@code routing_properties.task_sid}; none = done, and closing a closed
 * participant again changes nothing.
 */
@Component("closeTransferringAgent")
public class CloseTransferringAgentDelegate extends TwilioDelegate {

  public CloseTransferringAgentDelegate(TwilioGateway gateway, MeterRegistry meters) {
    super(gateway, meters);
  }

  @Override
  protected String operation() {
    return "close-transferring-agent";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String interactionSid = string(execution, "interactionSid");
    String channelSid = string(execution, "channelSid");
    String taskSid = string(execution, "transferringTaskSid");
    for (InteractionChannelParticipant p : InteractionChannelParticipant
        .reader(interactionSid, channelSid).read(client)) {
      if (p.getType() == InteractionChannelParticipant.Type.AGENT
          && p.getRoutingProperties() instanceof Map<?, ?> routing
          && taskSid != null && taskSid.equals(String.valueOf(routing.get("task_sid")))) {
        try {
          InteractionChannelParticipant.updater(interactionSid, channelSid, p.getSid(),
              InteractionChannelParticipant.Status.CLOSED).update(client);
        } catch (RuntimeException e) {
          if (!TwilioErrors.isClientError(e)) {
            throw e; // a 4xx: the channel or participant is closed already
          }
        }
        execution.setVariable("transferringAgentClosed", true);
        return;
      }
    }
    execution.setVariable("transferringAgentClosed", false);
  }
}
