package io.flexorchestrator.delegate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Message;
import io.flexorchestrator.routing.MessageTexts;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Unpark with a template: sends the pre-approved template the unpark request named
 * ({@code resumeContentSid}, {@code resumeContentVariables} as JSON) to the conversation, the only
 * kind of business message WhatsApp allows outside the 24-hour customer window. The recent messages
 * are checked first for this park's key, so a retry never sends it twice. Conversation closed or
 * gone = BPMN error {@code CONVERSATION_CLOSED}. Writes {@code resumeTemplateMessageSid}.
 */
@Component("sendResumeTemplate")
public class SendResumeTemplateDelegate extends TwilioDelegate {

  private static final long LOOKBACK = 50;

  private final MessageTexts texts;
  private final ConversationLookup conversations;
  private final ObjectMapper mapper;

  public SendResumeTemplateDelegate(TwilioGateway gateway, MeterRegistry meters, MessageTexts texts,
      ConversationLookup conversations, ObjectMapper mapper) {
    super(gateway, meters);
    this.texts = texts;
    this.conversations = conversations;
    this.mapper = mapper;
  }

  @Override
  protected String operation() {
    return "send-resume-template";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    String sendKey = "park:" + string(execution, "parkId") + ":resume-template";
    for (Message message : Message.reader(conversationSid).setOrder(Message.OrderType.DESC)
        .setPageSize(LOOKBACK).firstPage(client).getRecords()) {
      if (message.getAttributes() != null && message.getAttributes().contains(sendKey)) {
        execution.setVariable("resumeTemplateMessageSid", message.getSid());
        return;
      }
    }
    try {
      var creator = Message.creator(conversationSid)
          .setAuthor(texts.author())
          .setContentSid(string(execution, "resumeContentSid"))
          .setAttributes(mapper.writeValueAsString(Map.of("orchestratorKey", sendKey,
              "orchestratorMessage", "resume-template")));
      String variables = string(execution, "resumeContentVariables");
      if (variables != null) {
        creator.setContentVariables(variables);
      }
      execution.setVariable("resumeTemplateMessageSid", creator.create(client).getSid());
    } catch (RuntimeException e) {
      throw conversations.explain(client, conversationSid, e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
