package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Webhook;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/** Resume: removes the park's conversation-scoped webhook; gone already = done. */
@Component("deleteParkWebhook")
public class DeleteParkWebhookDelegate extends TwilioDelegate {

  public DeleteParkWebhookDelegate(TwilioGateway gateway, MeterRegistry meters) {
    super(gateway, meters);
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
    try {
      Webhook.deleter(string(execution, "conversationSid"), sid).delete(client);
    } catch (RuntimeException e) {
      if (!TwilioErrors.isNotFound(e)) {
        throw e;
      }
    }
  }
}
