package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.conversations.v1.service.Role;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.logging.Masking;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * taskrouter mode, on {@code reservation.accepted}: adds the accepting worker to the conversation,
 * as the Flex UI does for interaction tasks — the worker's chat identity (from its
 * {@code contact_uri}) with the chat service's conversation role {@code agent}, whose standard
 * permissions are left as they are. Looks first: a participant with that identity already there is
 * success. A closed conversation is skipped (the lifecycle's ConversationClosed path handles it).
 */
@Component("addAgentToConversation")
public class AddAgentToConversationDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(AddAgentToConversationDelegate.class);
  static final String AGENT_ROLE = "agent";

  private final AgentIdentity agents;
  private final ConversationLookup conversations;
  private final FlexProperties flex;
  private final Map<String, String> agentRoleByService = new ConcurrentHashMap<>();

  public AddAgentToConversationDelegate(TwilioGateway gateway, MeterRegistry meters,
      AgentIdentity agents, ConversationLookup conversations, FlexProperties flex) {
    super(gateway, meters);
    this.agents = agents;
    this.conversations = conversations;
    this.flex = flex;
  }

  @Override
  protected String operation() {
    return "add-agent-to-conversation";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    String workerSid = string(execution, "workerSid");
    String identity = agents.chatIdentity(client, workerSid).orElseThrow(() ->
        new IllegalStateException("worker " + workerSid + " has no contact_uri: cannot tell its chat identity"));
    execution.setVariable("agentIdentity", identity);
    if (ParticipantLookup.find(client, conversationSid, identity).isPresent()) {
      log.info("Agent {} already in conversation {}", Masking.mask(identity), conversationSid);
      return;
    }
    String service = string(execution, "chatServiceSid");
    try {
      var creator = Participant.creator(conversationSid).setIdentity(identity)
          .setAttributes("{\"member_type\":\"agent\"}");
      agentRole(client, service == null ? flex.chatServiceSid() : service).ifPresent(creator::setRoleSid);
      creator.create(client);
      log.info("Added agent {} to conversation {}", Masking.mask(identity), conversationSid);
    } catch (RuntimeException e) {
      if (TwilioErrors.isClientError(e) && ParticipantLookup.find(client, conversationSid, identity).isPresent()) {
        return; // added meanwhile (a retry whose answer was lost, or the agent joined by itself)
      }
      if (TwilioErrors.isClientError(e) && !conversations.isOpen(client, conversationSid)) {
        log.info("Conversation {} is closed: agent {} not added", conversationSid, Masking.mask(identity));
        return;
      }
      throw e;
    }
  }

  /** The SID of the chat service's conversation role "agent" (looked up once per service). */
  private Optional<String> agentRole(TwilioRestClient client, String serviceSid) {
    if (serviceSid == null) {
      return Optional.empty();
    }
    String cached = agentRoleByService.get(serviceSid);
    if (cached != null) {
      return Optional.of(cached);
    }
    for (Role role : Role.reader(serviceSid).read(client)) {
      if (AGENT_ROLE.equals(role.getFriendlyName()) && role.getType() == Role.RoleType.CONVERSATION) {
        agentRoleByService.put(serviceSid, role.getSid());
        return Optional.of(role.getSid());
      }
    }
    log.warn("Chat service {} has no conversation role \"agent\": the agent joins with the default role",
        serviceSid);
    return Optional.empty();
  }
}
