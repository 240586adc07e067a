package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * WhatsApp's customer service window: a business may send free text only within 24 hours of the
 * customer's last message; outside it only a pre-approved template (Content API, {@code ContentSid}).
 * The last customer message is the newest one authored by a {@code whatsapp:} address; the
 * conversation's messages are read newest first and only until one older than the window (so a long
 * conversation costs one page). Other channels have no such window.
 */
@Component
public class CustomerWindow {

  private static final long PAGE = 50;

  private final Duration window;
  private final Clock clock;

  @Autowired
  public CustomerWindow(@Value("${orchestrator.operations.whatsapp-window:PT24H}") Duration window) {
    this(window, Clock.systemUTC());
  }

  CustomerWindow(Duration window, Clock clock) {
    this.window = window;
    this.clock = clock;
  }

  public Duration window() {
    return window;
  }

  /** Whether free text may be sent to the conversation on this channel type now. */
  public boolean allowsFreeText(TwilioRestClient client, String conversationSid, String channelType) {
    if (!"whatsapp".equals(channelType)) {
      return true;
    }
    return lastCustomerMessageWithinWindow(client, conversationSid).isPresent();
  }

  /**
   * The time of the customer's last WhatsApp message if it lies within the window; empty when the
   * window is closed (no customer message, or the last one is older).
   */
  public Optional<Instant> lastCustomerMessageWithinWindow(TwilioRestClient client,
      String conversationSid) {
    Instant opensAfter = clock.instant().minus(window);
    for (Message message : Message.reader(conversationSid).setOrder(Message.OrderType.DESC)
        .setPageSize(PAGE).read(client)) {
      Instant at = message.getDateCreated() == null ? null : message.getDateCreated().toInstant();
      if (at != null && at.isBefore(opensAfter)) {
        return Optional.empty(); // newest first: everything after this is older still
      }
      if (message.getAuthor() != null && message.getAuthor().startsWith("whatsapp:")) {
        return Optional.ofNullable(at == null ? clock.instant() : at);
      }
    }
    return Optional.empty();
  }
}
