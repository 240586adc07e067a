package io.flexorchestrator.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.conversation.Participant;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.routing.BusinessHoursClock;
import io.flexorchestrator.routing.MessageTexts;
import io.flexorchestrator.routing.RoutingSettings;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;

/**
 * Reads the conversation and its customer participant, and puts the routing inputs into the
 * instance: channel type, proxy address, the ChannelAttributes (the conversation's attributes,
 * never a message's) of language/tier/known agent/autoAnswer, business hours, long-lived, and the
 * pre-agent replies that apply. The customer's own address is not stored.
 */
@Component("loadConversationContext")
public class LoadConversationContextDelegate extends TwilioDelegate {

  private final ConversationLookup conversations;
  private final RoutingSettings settings;
  private final BusinessHoursClock businessHours;
  private final MessageTexts texts;
  private final FlexProperties flex;
  private final ObjectMapper mapper;

  public LoadConversationContextDelegate(TwilioGateway gateway, MeterRegistry meters,
      ConversationLookup conversations, RoutingSettings settings, BusinessHoursClock businessHours,
      MessageTexts texts, FlexProperties flex, ObjectMapper mapper) {
    super(gateway, meters);
    this.conversations = conversations;
    this.settings = settings;
    this.businessHours = businessHours;
    this.texts = texts;
    this.flex = flex;
    this.mapper = mapper;
  }

  @Override
  protected String operation() {
    return "load-conversation";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    Conversation conversation = conversations.find(client, conversationSid)
        .filter(c -> c.getState() != Conversation.State.CLOSED)
        .orElseThrow(() -> new BpmnError(CONVERSATION_CLOSED, "conversation is closed or gone"));

    List<Participant> participants = java.util.stream.StreamSupport
        .stream(Participant.reader(conversationSid).read(client).spliterator(), false)
        .sorted(Comparator.comparing(Participant::getDateCreated,
            Comparator.nullsLast(Comparator.naturalOrder())))
        .toList();
    Map<?, ?> binding = participants.stream()
        .map(p -> p.getMessagingBinding() instanceof Map<?, ?> m ? m : null)
        .filter(m -> m != null && m.get("type") != null)
        .findFirst().orElse(null);
    String channelType = binding != null ? binding.get("type").toString() : "chat";
    String proxyAddress = binding != null && binding.get("proxy_address") != null
        ? binding.get("proxy_address").toString() : null;

    JsonNode attributes = parse(conversation.getAttributes());
    boolean open = businessHours.isOpen();
    RoutingSettings.Channel channel = settings.channel(channelType);

    execution.setVariable("channelType", channelType);
    execution.setVariable("proxyAddress", proxyAddress);
    execution.setVariable("customerLanguage", text(attributes, "language", "customerLanguage"));
    execution.setVariable("customerTier", text(attributes, "tier", "customerTier"));
    execution.setVariable("knownWorkerSid", text(attributes, "known_worker_sid", "KnownAgentWorkerSid"));
    execution.setVariable("autoAnswer", text(attributes, "autoAnswer"));
    execution.setVariable("withinBusinessHours", open);
    execution.setVariable("longLived", settings.isLongLived(channelType, proxyAddress));
    // an agent-initiated (outbound) interaction: no greeting, no out-of-hours reply
    boolean outbound = Boolean.TRUE.equals(execution.getVariable("outbound"));
    execution.setVariable("sendGreeting", !outbound && open && Boolean.TRUE.equals(channel.greeting())
        && texts.text("greeting", channelType) != null);
    execution.setVariable("sendOutOfHoursReply", !outbound && !open
        && Boolean.TRUE.equals(channel.outOfHoursReply())
        && texts.text("out-of-hours", channelType) != null);
    execution.setVariable("maxRerouteAttempts", settings.maxRerouteAttempts());
    execution.setVariable("rerouteAttempts", 0);
    execution.setVariable("rerouteWorkflowSid", flex.rerouteWorkflowSid());
    execution.setVariable("agentAccepted", false);
  }

  private JsonNode parse(String json) {
    try {
      JsonNode node = json == null || json.isBlank() ? null : mapper.readTree(json);
      return node != null && node.isObject() ? node : mapper.createObjectNode();
    } catch (Exception notJson) {
      return mapper.createObjectNode();
    }
  }

  private static String text(JsonNode node, String... names) {
    for (String name : names) {
      JsonNode value = node.get(name);
      if (value != null && !value.isNull() && !value.isContainerNode()) {
        return value.asText();
      }
      JsonNode nested = node.path("customer").get(name);
      if (nested != null && !nested.isNull() && !nested.isContainerNode()) {
        return nested.asText();
      }
    }
    return null;
  }
}
