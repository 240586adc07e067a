package io.flexorchestrator.checkup;

import io.flexorchestrator.lifecycle.InboxProcessor;
import io.flexorchestrator.webhook.ConversationEventParser;
import io.flexorchestrator.webhook.Inbox;
import io.flexorchestrator.webhook.InboxEvent;
import io.flexorchestrator.webhook.TaskRouterEventParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hands what a sweep found to the lifecycle the normal way: as the webhook event that was missed,
 * stored in the durable inbox and applied by the inbox processor (under the conversation's lock,
 * with the same starts and correlations as a real delivery). The event carries the same effect
 * keys as a real delivery, so a late real delivery (or a second sweep) has no second effect.
 */
@Component
public class MissedEventReplay {

  private final Inbox inbox;
  private final InboxProcessor processor;
  private final TransactionTemplate outsideTransaction;

  public MissedEventReplay(Inbox inbox, InboxProcessor processor,
      PlatformTransactionManager transactionManager) {
    this.inbox = inbox;
    this.processor = processor;
    // outside the job's transaction (the inbox commits its own): a duplicate must not poison
    // the sweep job's transaction, and the processor may apply the event right away
    this.outsideTransaction = new TransactionTemplate(transactionManager);
    this.outsideTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_NOT_SUPPORTED);
  }

  /**
   * A customer message that never started a lifecycle: starts one for the conversation.
   * Empty when this orphan state was already handed over.
   */
  public Optional<Long> routeOrphan(String conversationSid, String chatServiceSid,
      String lastMessageSid, String source) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", ConversationEventParser.MESSAGE_ADDED);
    params.put("ConversationSid", conversationSid);
    params.put("ChatServiceSid", chatServiceSid);
    if (lastMessageSid != null) {
      params.put("MessageSid", lastMessageSid);
    }
    params.put("Source", source == null || "API".equalsIgnoreCase(source) ? "CHECKUP" : source);
    List<String> keys = List.of("checkup:route:" + conversationSid + ":"
        + (lastMessageSid == null ? "no-message" : lastMessageSid));
    return submit(new InboxEvent(null, InboxEvent.Source.CONVERSATIONS,
        ConversationEventParser.MESSAGE_ADDED, conversationSid, null, keys, params, 0));
  }

  /** A TaskRouter ending the app never received (task.canceled, task.completed, …). */
  public Optional<Long> taskEvent(String eventType, String conversationSid, String taskSid,
      String reason, String interactionSid, String channelSid) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", eventType);
    if (taskSid != null) {
      params.put("TaskSid", taskSid);
    }
    if ("task.canceled".equals(eventType)) {
      params.put("TaskCanceledReason", reason == null ? "" : reason);
    }
    if ("task.completed".equals(eventType) && reason != null) {
      params.put("TaskCompletedReason", reason);
    }
    if (channelSid != null) {
      params.put("flexInteractionChannelSid", channelSid);
    }
    if (interactionSid != null) {
      params.put("flexInteractionSid", interactionSid);
    }
    params.put("Source", "checkup");
    String subject = taskSid != null ? taskSid : channelSid;
    List<String> keys = new ArrayList<>();
    if (TaskRouterEventParser.isWorkflowTimeout(eventType, reason)) {
      keys.add("effect:workflow-timeout:" + subject);
    } else {
      keys.add("effect:" + eventType + ":" + subject);
    }
    return submit(new InboxEvent(null, InboxEvent.Source.TASKROUTER, eventType, conversationSid,
        taskSid, keys, params, 0));
  }

  private Optional<Long> submit(InboxEvent event) {
    Optional<Long> id = outsideTransaction.execute(status -> inbox.accept(event));
    id.ifPresent(processor::submit);
    return id;
  }
}
