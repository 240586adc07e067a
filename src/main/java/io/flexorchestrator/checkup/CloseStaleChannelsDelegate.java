package io.flexorchestrator.checkup;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelParticipant;
import io.flexorchestrator.lifecycle.LifecycleMessages;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Interaction channels left active after their lifecycle ended without closing them (typically
 * {@code task.deleted}, which keeps the channel on purpose — the System Checkup of the Flex docs
 * cleans those up later): lifecycles that ended within the look-back, longer ago than the channel
 * grace period, with an interaction channel and no {@code channelClosedAt}. A channel that is still
 * active with only the customer in it and no pending invite is closed through the Interaction
 * Channels subresource ({@code inactive} with routing closed when the lifecycle was long-lived).
 * Skipped while the conversation has a running lifecycle (closing would close its conversation).
 */
@Component("checkupCloseStaleChannels")
public class CloseStaleChannelsDelegate extends CheckupStep {

  private static final Logger log = LoggerFactory.getLogger(CloseStaleChannelsDelegate.class);
  private static final List<String> PENDING = List.of("pending", "reserved", "assigned", "wrapping");
  private static final int MAX_CANDIDATES = 1000;

  private final HistoryService history;
  private final RuntimeService runtime;

  public CloseStaleChannelsDelegate(TwilioGateway gateway, TwilioPacer pacer,
      CheckupProperties properties, HistoryService history, RuntimeService runtime) {
    super(gateway, pacer, properties);
    this.history = history;
    this.runtime = runtime;
  }

  @Override
  void run(DelegateExecution execution, TwilioRestClient client, CheckupReport report) {
    Instant now = Instant.now();
    List<HistoricProcessInstance> ended = history.createHistoricProcessInstanceQuery()
        .processDefinitionKey(LifecycleMessages.PROCESS_KEY).finished()
        .finishedAfter(Date.from(now.minus(properties.getChannelLookback())))
        .finishedBefore(Date.from(now.minus(properties.getChannelGrace())))
        .orderByProcessInstanceEndTime().desc().listPage(0, MAX_CANDIDATES);
    int scanned = 0;
    for (HistoricProcessInstance instance : ended) {
      Map<String, Object> variables = variables(instance.getId());
      String interactionSid = (String) variables.get("interactionSid");
      String channelSid = (String) variables.get("channelSid");
      if (interactionSid == null || channelSid == null || variables.get("channelClosedAt") != null) {
        continue;
      }
      String conversationSid = instance.getBusinessKey();
      if (runtime.createProcessInstanceQuery().processDefinitionKey(LifecycleMessages.PROCESS_KEY)
          .processInstanceBusinessKey(conversationSid).count() > 0) {
        continue;
      }
      scanned++;
      try {
        check(client, conversationSid, interactionSid, channelSid,
            Boolean.TRUE.equals(variables.get("longLived")), variables.get("outcome"), report);
      } catch (RuntimeException e) {
        if (TwilioErrors.isRetryable(e)) {
          throw e;
        }
        report.add("channels", conversationSid, "failed", "Twilio answered: " + e.getMessage())
            .put("channelSid", channelSid);
      }
    }
    report.scanned("channels", scanned);
  }

  private void check(TwilioRestClient client, String conversationSid, String interactionSid,
      String channelSid, boolean longLived, Object outcome, CheckupReport report) {
    InteractionChannel channel;
    try {
      pacer.read();
      channel = InteractionChannel.fetcher(interactionSid, channelSid).fetch(client);
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return;
      }
      throw e;
    }
    if (channel.getStatus() != InteractionChannel.ChannelStatus.ACTIVE) {
      return;
    }
    pacer.read();
    for (InteractionChannelParticipant participant : InteractionChannelParticipant
        .reader(interactionSid, channelSid).firstPage(client).getRecords()) {
      String type = String.valueOf(participant.getType()).toLowerCase();
      if (!"customer".equals(type) && !"external".equals(type)) {
        add(report, conversationSid, interactionSid, channelSid, outcome, "skipped",
            "a " + type + " participant is on the channel");
        return;
      }
    }
    pacer.read();
    for (InteractionChannelInvite invite : InteractionChannelInvite.reader(interactionSid, channelSid)
        .firstPage(client).getRecords()) {
      if (invite.getRouting() instanceof Map<?, ?> routing
          && routing.get("properties") instanceof Map<?, ?> properties
          && properties.get("assignment_status") != null
          && PENDING.contains(properties.get("assignment_status").toString())) {
        add(report, conversationSid, interactionSid, channelSid, outcome, "skipped",
            "invite " + invite.getSid() + " is pending");
        return;
      }
    }
    if (!budgetLeft(report)) {
      add(report, conversationSid, interactionSid, channelSid, outcome, "skipped",
          "action budget of this run used up");
      return;
    }
    pacer.read();
    InteractionChannel.updater(interactionSid, channelSid, longLived
            ? InteractionChannel.UpdateChannelStatus.INACTIVE : InteractionChannel.UpdateChannelStatus.CLOSED)
        .setRouting(Map.of("status", "closed"))
        .update(client);
    add(report, conversationSid, interactionSid, channelSid, outcome, "closed",
        "channel left active with only the customer and no pending invite after the lifecycle ended ("
            + outcome + "): closed" + (longLived ? " (inactive, long-lived)" : ""));
    log.info("Checkup: closed stale interaction channel {} of conversation {}", channelSid,
        conversationSid);
  }

  private static void add(CheckupReport report, String conversationSid, String interactionSid,
      String channelSid, Object outcome, String action, String reason) {
    Map<String, Object> item = report.add("channels", conversationSid, action, reason);
    item.put("interactionSid", interactionSid);
    item.put("channelSid", channelSid);
    item.put("lifecycleOutcome", outcome);
  }

  private Map<String, Object> variables(String processInstanceId) {
    Map<String, Object> variables = new HashMap<>();
    for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId)
        .variableNameIn("interactionSid", "channelSid", "channelClosedAt", "longLived", "outcome")
        .list()) {
      variables.put(v.getName(), v.getValue());
    }
    return variables;
  }
}
