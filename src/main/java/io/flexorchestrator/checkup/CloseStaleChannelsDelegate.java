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
 * cleans those up later). One page per job ({@code moreChannels}): first the lifecycles that ended
 * within the look-back and longer ago than the channel grace period, by id after the last one seen
 * ({@code channelAfterId}); then the channels the conversation sweep found outside that window
 * (open conversations whose lifecycle ended before it), {@code channelSource} = {@code sweep}.
 * A channel that is still active with only the customer in it and no pending invite is closed
 * through the Interaction Channels subresource ({@code inactive} with routing closed when the lifecycle was long-lived). Skipped
 * while the conversation has a running lifecycle (closing would close its conversation).
 */
@Component("checkupCloseStaleChannels")
public class CloseStaleChannelsDelegate extends CheckupStep {

  private static final Logger log = LoggerFactory.getLogger(CloseStaleChannelsDelegate.class);
  private static final List<String> PENDING = List.of("pending", "reserved", "assigned", "wrapping");
  static final String FROM_SWEEP = "sweep";

  private final HistoryService history;
  private final RuntimeService runtime;
  private final InstancePages pages;

  public CloseStaleChannelsDelegate(TwilioGateway gateway, TwilioPacer pacer,
      CheckupProperties properties, HistoryService history, RuntimeService runtime,
      InstancePages pages) {
    super(gateway, pacer, properties);
    this.history = history;
    this.runtime = runtime;
    this.pages = pages;
  }

  @Override
  void run(DelegateExecution execution, TwilioRestClient client, CheckupReport report) {
    int size = properties.getPageSize();
    if (!FROM_SWEEP.equals(string(execution, "channelSource"))) {
      Instant startedAt = report.startedAt();
      List<HistoricProcessInstance> ended = pages.ended(
          Date.from(startedAt.minus(properties.getChannelLookback())),
          Date.from(startedAt.minus(properties.getChannelGrace())),
          string(execution, "channelAfterId"), size);
      int scanned = 0;
      for (HistoricProcessInstance instance : ended) {
        Map<String, Object> candidate = leftChannel(history, instance.getBusinessKey(),
            instance.getId());
        if (candidate != null) {
          scanned++;
          checkCandidate(client, candidate, report);
        }
      }
      report.scanned("channels", scanned);
      if (ended.size() == size) {
        execution.setVariable("channelAfterId", ended.get(size - 1).getId());
        execution.setVariable("moreChannels", true);
        return;
      }
      execution.setVariable("channelSource", FROM_SWEEP);
      execution.setVariable("moreChannels", report.channelCandidates() > 0);
      return;
    }
    List<Map<String, Object>> candidates = report.takeChannelCandidates(size);
    candidates.forEach(candidate -> checkCandidate(client, candidate, report));
    report.scanned("channels", candidates.size());
    execution.setVariable("moreChannels", report.channelCandidates() > 0);
  }

  /**
   * The interaction channel an ended lifecycle left behind ({@code conversationSid,
   * interactionSid, channelSid, longLived, outcome}), or null when it had none or closed it. Also
   * used by the conversation sweep for lifecycles that ended before this step's look-back.
   */
  static Map<String, Object> leftChannel(HistoryService history, String conversationSid,
      String processInstanceId) {
    Map<String, Object> variables = new HashMap<>();
    for (HistoricVariableInstance v : history.createHistoricVariableInstanceQuery()
        .processInstanceId(processInstanceId)
        .variableNameIn("interactionSid", "channelSid", "channelClosedAt", "longLived", "outcome")
        .list()) {
      variables.put(v.getName(), v.getValue());
    }
    if (variables.get("interactionSid") == null || variables.get("channelSid") == null
        || variables.get("channelClosedAt") != null) {
      return null;
    }
    return candidate(conversationSid, (String) variables.get("interactionSid"),
        (String) variables.get("channelSid"), Boolean.TRUE.equals(variables.get("longLived")),
        variables.get("outcome"));
  }

  static Map<String, Object> candidate(String conversationSid, String interactionSid,
      String channelSid, boolean longLived, Object outcome) {
    Map<String, Object> candidate = new HashMap<>();
    candidate.put("conversationSid", conversationSid);
    candidate.put("interactionSid", interactionSid);
    candidate.put("channelSid", channelSid);
    candidate.put("longLived", longLived);
    candidate.put("outcome", outcome == null ? null : outcome.toString());
    return candidate;
  }

  private void checkCandidate(TwilioRestClient client, Map<String, Object> candidate,
      CheckupReport report) {
    String conversationSid = (String) candidate.get("conversationSid");
    String channelSid = (String) candidate.get("channelSid");
    if (runtime.createProcessInstanceQuery().processDefinitionKey(LifecycleMessages.PROCESS_KEY)
        .processInstanceBusinessKey(conversationSid).count() > 0) {
      return;
    }
    try {
      check(client, conversationSid, (String) candidate.get("interactionSid"), channelSid,
          Boolean.TRUE.equals(candidate.get("longLived")), candidate.get("outcome"), report);
    } catch (RuntimeException e) {
      if (TwilioErrors.isRetryable(e)) {
        throw e;
      }
      report.add("channels", conversationSid, "failed", "Twilio answered: " + e.getMessage())
          .put("channelSid", channelSid);
    }
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
        "channel left active with only the customer and no pending invite after "
            + (outcome == null ? "its task ended" : "the lifecycle ended (" + outcome + ")")
            + ": closed" + (longLived ? " (inactive, long-lived)" : ""));
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
}
