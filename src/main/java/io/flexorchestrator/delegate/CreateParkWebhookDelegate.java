package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Webhook;
import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Park: a conversation-scoped webhook (target {@code webhook}, filter {@code onMessageAdded}, url =
 * this app's {@code /webhooks/conversations}) that brings the customer's next message. Looks first
 * for one with that url. Conversation gone = BPMN error {@code CONVERSATION_CLOSED}.
 */
@Component("createParkWebhook")
public class CreateParkWebhookDelegate extends TwilioDelegate {

  private final PublicUrl publicUrl;
  private final ConversationLookup conversations;

  public CreateParkWebhookDelegate(TwilioGateway gateway, MeterRegistry meters, PublicUrl publicUrl,
      ConversationLookup conversations) {
    super(gateway, meters);
    this.publicUrl = publicUrl;
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "create-park-webhook";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String ch = string(execution, "conversationSid");
    String url = publicUrl.of("/webhooks/conversations");
    if (!conversations.isOpen(client, ch)) {
      throw new BpmnError(CONVERSATION_CLOSED, "conversation is closed or gone");
    }
    for (Webhook w : Webhook.reader(ch).read(client)) {
      if (w.getConfiguration() != null && w.getConfiguration().toString().contains(url)) {
        execution.setVariable("parkWebhookSid", w.getSid());
        return;
      }
    }
    Webhook created = Webhook.creator(ch, Webhook.Target.WEBHOOK)
        .setConfigurationUrl(url)
        .setConfigurationMethod(Webhook.Method.POST)
        .setConfigurationFilters(List.of("onMessageAdded"))
        .create(client);
    execution.setVariable("parkWebhookSid", created.getSid());
  }
}
