package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Date;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Park: interaction channel {@code Status=inactive} with {@code Routing={"status":"closed"}} — the
 * agent's task completes, the conversation stays open. Done again on a parked channel, nothing
 * changes (Twilio answers the channel as it is).
 */
@Component("parkInteractionChannel")
public class ParkInteractionChannelDelegate extends TwilioDelegate {

  public ParkInteractionChannelDelegate(TwilioGateway gateway, MeterRegistry meters) {
    super(gateway, meters);
  }

  @Override
  protected String operation() {
    return "park-interaction-channel";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    InteractionChannel.updater(string(execution, "interactionSid"), string(execution, "channelSid"),
            InteractionChannel.UpdateChannelStatus.INACTIVE)
        .setRouting(Map.of("status", "closed"))
        .update(client);
    execution.setVariable("parkedAt", new Date());
  }
}
