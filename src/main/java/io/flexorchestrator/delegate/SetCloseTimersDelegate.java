package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import io.flexorchestrator.routing.RoutingSettings;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Sets the conversation's state timers ({@code Timers.Inactive}, {@code Timers.Closed}) for its
 * channel, never below Twilio's minimums, so an abandoned conversation closes by itself. Setting
 * them again is harmless, so a retry needs no look-up.
 */
@Component("setCloseTimers")
public class SetCloseTimersDelegate extends TwilioDelegate {

  private final RoutingSettings settings;
  private final ConversationLookup conversations;

  public SetCloseTimersDelegate(TwilioGateway gateway, MeterRegistry meters,
      RoutingSettings settings, ConversationLookup conversations) {
    super(gateway, meters);
    this.settings = settings;
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "set-close-timers";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    RoutingSettings.Channel channel = settings.channel(string(execution, "channelType"));
    Duration inactive = channel.inactiveTimer();
    Duration closed = channel.closedTimer();
    if (inactive == null && closed == null) {
      execution.setVariable("timersSet", false);
      return;
    }
    var updater = Conversation.updater(conversationSid);
    if (inactive != null) {
      updater.setTimersInactive(inactive.toString());
    }
    if (closed != null) {
      updater.setTimersClosed(closed.toString());
    }
    try {
      updater.update(client);
    } catch (RuntimeException e) {
      throw conversations.explain(client, conversationSid, e);
    }
    execution.setVariable("timersSet", true);
  }
}
