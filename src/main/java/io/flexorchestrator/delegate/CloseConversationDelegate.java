package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
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
 * taskrouter mode: ends the interaction on the conversation itself (there is no interaction
 * channel): {@code State=closed}; when the conversation is long-lived, {@code State=inactive}
 * instead, so it keeps its participants and history and the customer's next message (which makes it
 * active again) starts a new lifecycle instance on it. Already in that state (or closed/gone) is
 * success.
 */
@Component("closeConversation")
public class CloseConversationDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(CloseConversationDelegate.class);

  private final ConversationLookup conversations;

  public CloseConversationDelegate(TwilioGateway gateway, MeterRegistry meters,
      ConversationLookup conversations) {
    super(gateway, meters);
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "close-conversation";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    boolean longLived = Boolean.TRUE.equals(execution.getVariable("longLived"));
    Conversation.State target = longLived ? Conversation.State.INACTIVE : Conversation.State.CLOSED;
    if (!isDone(client, conversationSid, target)) {
      try {
        Conversation.updater(conversationSid).setState(target).update(client);
        log.info("Conversation {} set {}", conversationSid, target);
      } catch (RuntimeException e) {
        if (!TwilioErrors.isClientError(e) || !isDone(client, conversationSid, target)) {
          throw e;
        }
      }
    }
    execution.setVariable("conversationClosedAt", new Date());
  }

  private boolean isDone(TwilioRestClient client, String conversationSid, Conversation.State target) {
    Optional<Conversation> conversation = conversations.find(client, conversationSid);
    return conversation.isEmpty() || conversation.get().getState() == Conversation.State.CLOSED
        || conversation.get().getState() == target;
  }
}
