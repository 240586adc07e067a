package io.flexorchestrator.delegate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Message;
import io.flexorchestrator.routing.MessageTexts;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Sends one of the configured texts (input parameter {@code messageKey}) to the conversation.
 * Each send carries a key in its attributes, and the recent messages are checked for that key
 * first, so a retried job never sends the text twice. No text configured: nothing is sent; a
 * closed conversation: skipped; WhatsApp outside the 24-hour customer window ({@link
 * CustomerWindow}): skipped, free text is not allowed there (variable {@code messageSkipped}).
 */
@Component("sendMessage")
public class SendMessageDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(SendMessageDelegate.class);
  private static final long LOOKBACK = 50;

  private final MessageTexts texts;
  private final ConversationLookup conversations;
  private final ObjectMapper mapper;
  private final CustomerWindow customerWindow;

  public SendMessageDelegate(TwilioGateway gateway, MeterRegistry meters, MessageTexts texts,
      ConversationLookup conversations, ObjectMapper mapper, CustomerWindow customerWindow) {
    super(gateway, meters);
    this.texts = texts;
    this.conversations = conversations;
    this.mapper = mapper;
    this.customerWindow = customerWindow;
  }

  @Override
  protected String operation() {
    return "send-message";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String messageKey = string(execution, "messageKey");
    String conversationSid = string(execution, "conversationSid");
    String text = texts.text(messageKey, string(execution, "channelType"));
    if (text == null) {
      log.debug("No text configured for {}: nothing sent", messageKey);
      return;
    }
    String sendKey = execution.getProcessInstanceId() + ":" + execution.getCurrentActivityId() + ":"
        + execution.getVariable("rerouteAttempts");
    try {
      if (alreadySent(client, conversationSid, sendKey)) {
        return;
      }
      if (!customerWindow.allowsFreeText(client, conversationSid, string(execution, "channelType"))) {
        log.info("Conversation {}: WhatsApp customer window closed, {} message not sent (free text"
            + " needs the customer's message within {})", conversationSid, messageKey,
            customerWindow.window());
        execution.setVariable("messageSkipped", messageKey + ": whatsapp-window-closed");
        return;
      }
      Message.creator(conversationSid)
          .setAuthor(texts.author())
          .setBody(text)
          .setAttributes(mapper.writeValueAsString(Map.of("orchestratorKey", sendKey,
              "orchestratorMessage", messageKey)))
          .create(client);
    } catch (RuntimeException e) {
      if (TwilioErrors.isClientError(e) && !conversations.isOpen(client, conversationSid)) {
        log.info("Conversation {} is closed: {} message not sent", conversationSid, messageKey);
        return;
      }
      throw e;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private boolean alreadySent(TwilioRestClient client, String conversationSid, String sendKey) {
    for (Message message : Message.reader(conversationSid).setOrder(Message.OrderType.DESC)
        .setPageSize(LOOKBACK).firstPage(client).getRecords()) {
      String attributes = message.getAttributes();
      if (attributes != null && attributes.contains(sendKey)) {
        return true;
      }
    }
    return false;
  }
}
