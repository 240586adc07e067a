package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Participant;
import io.flexorchestrator.logging.Masking;
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
 * taskrouter mode, on {@code task.wrapup} (or a completion without wrapup): removes the agent's
 * participant from the conversation, as the Flex UI does for interaction tasks. Looks first: no such
 * participant, or a closed/deleted conversation, is success.
 */
@Component("removeAgentFromConversation")
public class RemoveAgentFromConversationDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(RemoveAgentFromConversationDelegate.class);

  private final AgentIdentity agents;
  private final ConversationLookup conversations;

  public RemoveAgentFromConversationDelegate(TwilioGateway gateway, MeterRegistry meters,
      AgentIdentity agents, ConversationLookup conversations) {
    super(gateway, meters);
    this.agents = agents;
    this.conversations = conversations;
  }

  @Override
  protected String operation() {
    return "remove-agent-from-conversation";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    String identity = string(execution, "agentIdentity");
    if (identity == null) {
      identity = agents.chatIdentity(client, string(execution, "workerSid")).orElse(null);
    }
    if (identity == null) {
      log.info("No agent known for conversation {}: nobody to remove", conversationSid);
      return;
    }
    Optional<Participant> participant = ParticipantLookup.find(client, conversationSid, identity);
    if (participant.isEmpty()) {
      return;
    }
    try {
      Participant.deleter(conversationSid, participant.get().getSid()).delete(client);
      log.info("Removed agent {} from conversation {}", Masking.mask(identity), conversationSid);
    } catch (RuntimeException e) {
      boolean gone = TwilioErrors.isNotFound(e)
          || (TwilioErrors.isClientError(e) && !conversations.isOpen(client, conversationSid));
      if (!gone) {
        throw e;
      }
    }
    execution.setVariable("agentRemovedAt", new Date());
  }
}
