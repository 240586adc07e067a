package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel.ChannelStatus;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel.UpdateChannelStatus;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Date;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Closes the interaction channel through the Interaction Channels subresource, the only supported
 * way to end a Flex Conversations task: {@code Status=closed} with routing closed, or for a
 * long-lived channel {@code inactive} with routing closed (the conversation and its history stay).
 * A channel already in that state is success, so a retry is harmless.
 */
@Component("closeInteractionChannel")
public class CloseInteractionChannelDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(CloseInteractionChannelDelegate.class);
  private static final Map<String, Object> ROUTING_CLOSED = Map.of("status", "closed");

  public CloseInteractionChannelDelegate(TwilioGateway gateway, MeterRegistry meters) {
    super(gateway, meters);
  }

  @Override
  protected String operation() {
    return "close-interaction-channel";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String interactionSid = string(execution, "interactionSid");
    String channelSid = string(execution, "channelSid");
    if (interactionSid == null || channelSid == null) {
      log.info("No interaction channel to close");
      return;
    }
    boolean longLived = Boolean.TRUE.equals(execution.getVariable("longLived"));
    if (isDone(fetchStatus(client, interactionSid, channelSid), longLived)) {
      execution.setVariable("channelClosedAt", new Date());
      return;
    }
    try {
      InteractionChannel.updater(interactionSid, channelSid,
              longLived ? UpdateChannelStatus.INACTIVE : UpdateChannelStatus.CLOSED)
          .setRouting(ROUTING_CLOSED)
          .update(client);
    } catch (RuntimeException e) {
      // closed meanwhile (e.g. by the agent or the conversation's timer): that is the goal
      if (!TwilioErrors.isClientError(e) || !isDone(fetchStatus(client, interactionSid, channelSid), longLived)) {
        throw e;
      }
    }
    execution.setVariable("channelClosedAt", new Date());
  }

  private static ChannelStatus fetchStatus(TwilioRestClient client, String interactionSid,
      String channelSid) {
    try {
      return InteractionChannel.fetcher(interactionSid, channelSid).fetch(client).getStatus();
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return ChannelStatus.CLOSED;
      }
      throw e;
    }
  }

  private static boolean isDone(ChannelStatus status, boolean longLived) {
    return status == ChannelStatus.CLOSED || (longLived && status == ChannelStatus.INACTIVE);
  }
}
