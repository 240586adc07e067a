package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import io.flexorchestrator.twilio.TwilioErrors;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.springframework.stereotype.Component;

/** Reads a conversation, and turns "closed or gone" into the lifecycle's business error. */
@Component
public class ConversationLookup {

  public Optional<Conversation> find(TwilioRestClient client, String conversationSid) {
    try {
      return Optional.of(Conversation.fetcher(conversationSid).fetch(client));
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  public boolean isOpen(TwilioRestClient client, String conversationSid) {
    return find(client, conversationSid)
        .map(c -> c.getState() != Conversation.State.CLOSED)
        .orElse(false);
  }

  /**
   * After a 4xx from an action on the conversation: a closed or deleted conversation is the
   * business outcome {@code CONVERSATION_CLOSED}; anything else is rethrown as it was.
   */
  public RuntimeException explain(TwilioRestClient client, String conversationSid, RuntimeException e) {
    if (TwilioErrors.isClientError(e) && !isOpen(client, conversationSid)) {
      return new BpmnError(TwilioDelegate.CONVERSATION_CLOSED, "conversation is closed or gone");
    }
    return e;
  }
}
