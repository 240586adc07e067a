package io.flexorchestrator.checkup;

import com.twilio.base.Page;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.Domains;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.conversation.Message;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.routing.MessageTexts;
import io.flexorchestrator.routing.RoutingSettings;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One page of the Flex Chat Service's conversations in state {@code active}, then {@code inactive}
 * (variable {@code conversationState}, next page in {@code conversationPageUrl}, more to come in
 * {@code moreConversations}). For each conversation without a running lifecycle:
 *
 * <ul>
 *   <li><b>orphan</b> — never had a lifecycle, or a customer wrote after its last one ended, and no
 *       open task exists: after the grace period, routed to Flex (a new lifecycle, through the
 *       inbox, exactly as the missed message would have) or closed with the closing text, by
 *       {@code orchestrator.checkup.orphan-policy};
 *   <li><b>no close timers</b> on a channel that is not long-lived — set them (routing settings);
 *   <li><b>an interaction channel</b> left by a lifecycle that ended before the stale-channel
 *       step's look-back (that step's own pages never reach it) is handed to that step. (An orphan
 *       needs no such hand-over: closing it closes its channels, routing it gives it a lifecycle.)
 * </ul>
 */
@Component("checkupSweepConversations")
public class SweepConversationsDelegate extends CheckupStep {

  private static final Logger log = LoggerFactory.getLogger(SweepConversationsDelegate.class);

  private final FlexProperties flex;
  private final RuntimeService runtime;
  private final HistoryService history;
  private final MissedEventReplay replay;
  private final RoutingSettings routing;
  private final MessageTexts texts;

  public SweepConversationsDelegate(TwilioGateway gateway, TwilioPacer pacer,
      CheckupProperties properties, FlexProperties flex, RuntimeService runtime,
      HistoryService history, MissedEventReplay replay, RoutingSettings routing, MessageTexts texts) {
    super(gateway, pacer, properties);
    this.flex = flex;
    this.runtime = runtime;
    this.history = history;
    this.replay = replay;
    this.routing = routing;
    this.texts = texts;
  }

  @Override
  void run(DelegateExecution execution, TwilioRestClient client, CheckupReport report) {
    String state = Optional.ofNullable(string(execution, "conversationState")).orElse("active");
    String url = string(execution, "conversationPageUrl");
    pacer.read();
    Page<Conversation> page = url == null
        ? Conversation.reader().setState(Conversation.State.forValue(state))
            .setPageSize((long) properties.getPageSize()).firstPage(client)
        : Conversation.reader().getPage(url, client);
    CheckupProperties.OrphanPolicy policy = policy(execution);
    int scanned = 0;
    for (Conversation conversation : page.getRecords()) {
      if (flex.chatServiceSid() != null && !flex.chatServiceSid().equals(conversation.getChatServiceSid())) {
        continue;
      }
      if (conversation.getState() == Conversation.State.CLOSED) {
        continue;
      }
      scanned++;
      try {
        sweep(client, conversation, policy, report);
      } catch (RuntimeException e) {
        if (TwilioErrors.isRetryable(e)) {
          throw e;
        }
        report.add("orphans", conversation.getSid(), "failed", "Twilio answered: " + e.getMessage());
      }
    }
    report.scanned("conversations", scanned);
    String next = page.hasNextPage() ? page.getNextPageUrl(Domains.CONVERSATIONS.toString()) : null;
    if (next != null) {
      execution.setVariable("conversationPageUrl", next);
      execution.setVariable("moreConversations", true);
    } else if ("active".equals(state)) {
      execution.setVariable("conversationPageUrl", null);
      execution.setVariable("conversationState", "inactive");
      execution.setVariable("moreConversations", true);
    } else {
      execution.setVariable("conversationPageUrl", null);
      execution.setVariable("moreConversations", false);
    }
  }

  private CheckupProperties.OrphanPolicy policy(DelegateExecution execution) {
    Object value = execution.getVariable("orphanPolicy");
    try {
      return value == null ? properties.getOrphanPolicy()
          : CheckupProperties.OrphanPolicy.valueOf(value.toString().toUpperCase());
    } catch (IllegalArgumentException unknown) {
      return properties.getOrphanPolicy();
    }
  }

  private void sweep(TwilioRestClient client, Conversation conversation,
      CheckupProperties.OrphanPolicy policy, CheckupReport report) {
    String sid = conversation.getSid();
    if (runtime.createProcessInstanceQuery().processDefinitionKey(LifecycleMessages.PROCESS_KEY)
        .processInstanceBusinessKey(sid).count() > 0) {
      return; // the lifecycle owns it (its own missed events are the lifecycle sweep's job)
    }
    Instant created = instant(conversation.getDateCreated());
    Instant now = Instant.now();
    List<HistoricProcessInstance> past = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(LifecycleMessages.PROCESS_KEY).processInstanceBusinessKey(sid)
        .orderByProcessInstanceStartTime().desc().listPage(0, 1);
    Instant endedAt = past.isEmpty() || past.get(0).getEndTime() == null ? null
        : past.get(0).getEndTime().toInstant();
    if (endedAt != null && endedAt.isBefore(report.startedAt().minus(properties.getChannelLookback()))) {
      channelOfOldLifecycle(sid, past.get(0).getId(), report);
    }
    Message last = lastMessage(client, sid);
    boolean orphan;
    if (past.isEmpty()) {
      orphan = true;
    } else {
      orphan = last != null && endedAt != null && isCustomer(last)
          && instant(last.getDateCreated()).isAfter(endedAt);
    }
    if (orphan) {
      Instant lastActivity = last == null ? created : max(created, instant(last.getDateCreated()));
      handleOrphan(client, conversation, last, lastActivity, now, policy, report);
      return;
    }
    if (Duration.between(created, now).compareTo(properties.getOrphanGrace()) >= 0) {
      setTimersIfMissing(client, conversation, report);
    }
  }

  private void handleOrphan(TwilioRestClient client, Conversation conversation, Message last,
      Instant lastActivity, Instant now, CheckupProperties.OrphanPolicy policy, CheckupReport report) {
    String sid = conversation.getSid();
    Instant due = lastActivity.plus(properties.getOrphanGrace());
    if (now.isBefore(due)) {
      report.add("orphans", sid, "skipped", "in the grace period until " + due).put("state",
          conversation.getState().toString());
      return;
    }
    List<Task> open = tasks(client, flex.workspaceSid(), "conversationSid == \"" + sid + "\"",
        OPEN_TASK_STATUSES);
    if (!open.isEmpty()) {
      report.add("orphans", sid, "skipped", "an open task exists: " + open.get(0).getSid()
          + " (" + open.get(0).getAssignmentStatus() + ")").put("state", conversation.getState().toString());
      return;
    }
    if (!budgetLeft(report)) {
      report.add("orphans", sid, "skipped", "action budget of this run used up"
          + " (orchestrator.checkup.max-actions-per-run)");
      return;
    }
    Map<String, Object> item;
    if (policy == CheckupProperties.OrphanPolicy.ROUTE) {
      pacer.route();
      Optional<Long> queued = replay.routeOrphan(sid, conversation.getChatServiceSid(),
          last == null ? null : last.getSid(), null);
      item = queued.isPresent()
          ? report.add("orphans", sid, "routed", "no lifecycle and no open task: a new lifecycle"
              + " routes it to Flex (inbox event " + queued.get() + ")")
          : report.add("orphans", sid, "skipped", "already handed to the lifecycle by an earlier"
              + " checkup; waiting for it to start");
    } else {
      close(client, conversation);
      item = report.add("orphans", sid, "closed", "no lifecycle and no open task: closing message"
          + " sent and the conversation closed");
    }
    item.put("state", conversation.getState().toString());
    item.put("lastActivityAt", lastActivity.toString());
    log.info("Checkup: orphan conversation {} {}", sid, item.get("action"));
  }

  private void channelOfOldLifecycle(String conversationSid, String processInstanceId,
      CheckupReport report) {
    Map<String, Object> channel =
        CloseStaleChannelsDelegate.leftChannel(history, conversationSid, processInstanceId);
    if (channel != null) {
      report.addChannelCandidate(channel);
    }
  }

  private void close(TwilioRestClient client, Conversation conversation) {
    String sid = conversation.getSid();
    String[] channel = channelOf(client, sid);
    String text = texts.text("closing", channel[0]);
    if (text != null) {
      pacer.read();
      Message.creator(sid).setAuthor(texts.author()).setBody(text)
          .setAttributes("{\"orchestratorMessage\":\"checkup-closing\"}").create(client);
    }
    pacer.read();
    Conversation.updater(sid).setState(Conversation.State.CLOSED).update(client);
  }

  private void setTimersIfMissing(TwilioRestClient client, Conversation conversation,
      CheckupReport report) {
    if (conversation.getTimers() instanceof Map<?, ?> timers
        && (timers.get("date_inactive") != null || timers.get("date_closed") != null)) {
      return;
    }
    String sid = conversation.getSid();
    String[] channel = channelOf(client, sid);
    if (routing.isLongLived(channel[0], channel[1])) {
      return;
    }
    RoutingSettings.Channel settings = routing.channel(channel[0]);
    Duration inactive = settings.inactiveTimer();
    Duration closed = settings.closedTimer();
    if (inactive == null && closed == null) {
      return;
    }
    if (!budgetLeft(report)) {
      report.add("timers", sid, "skipped", "action budget of this run used up");
      return;
    }
    var updater = Conversation.updater(sid);
    if (inactive != null && conversation.getState() == Conversation.State.ACTIVE) {
      updater.setTimersInactive(inactive.toString());
    }
    if (closed != null) {
      updater.setTimersClosed(closed.toString());
    }
    pacer.read();
    updater.update(client);
    report.add("timers", sid, "set", "no close timers on a " + channel[0] + " conversation that is"
        + " not long-lived: inactive after " + inactive + ", closed after " + closed);
  }

  private Message lastMessage(TwilioRestClient client, String conversationSid) {
    pacer.read();
    List<Message> messages = Message.reader(conversationSid).setOrder(Message.OrderType.DESC)
        .setPageSize(1L).firstPage(client).getRecords();
    return messages.isEmpty() ? null : messages.get(0);
  }

  /** A message from the customer: not one of ours (author, orchestrator attributes). */
  private boolean isCustomer(Message message) {
    String attributes = message.getAttributes();
    return !(attributes != null && attributes.contains("orchestrator"))
        && !texts.author().equals(message.getAuthor());
  }

  private static Instant instant(ZonedDateTime at) {
    return at == null ? Instant.EPOCH : at.toInstant();
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
