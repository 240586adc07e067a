package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Webhook;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Resume, park expired or interaction ended: removes the park's conversation-scoped webhook; gone
 * already, or refused because the conversation is closed or gone, = done.
 */
@Component("deleteParkWebhook")
public class DeleteParkWebhookDelegate extends TwilioDelegate {

  private final ConversationLookup conversations;

  public DeleteParkWebhookDelegate(TwilioGateway gateway, MeterRegistry meters,
      ConversationLookup conversations) {
    super(gateway, meters);
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "delete-park-webhook";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String sid = string(execution, "parkWebhookSid");
    if (sid == null) {
      return;
    }
    String conversationSid = string(execution, "conversationSid");
    try {
      Webhook.deleter(conversationSid, sid).delete(client);
    } catch (RuntimeException e) {
      if (!TwilioErrors.isNotFound(e)
          && !(TwilioErrors.isClientError(e) && !conversations.isOpen(client, conversationSid))) {
        throw e;
      }
    }
  }
}
