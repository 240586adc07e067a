package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.flexapi.v1.Interaction;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.RatePacer;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Routes the conversation to Flex through the Interactions API ({@code initiated_by: customer},
 * the conversation as media channel, the routing decision as routing properties) — never Studio,
 * never by adding an agent to the conversation. The task attributes carry this instance's id, and
 * a retry first looks for a task with it, so a create whose answer was lost is not repeated.
 */
@Component("createInteraction")
public class CreateInteractionDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(CreateInteractionDelegate.class);
  static final String INSTANCE_ATTRIBUTE = "orchestratorInstanceId";
  public static final String RATE_SLOT_RESERVED = "RATE_SLOT_RESERVED";
  static final String SLOT_VARIABLE = "interactionCreateSlot";

  private final FlexProperties flex;
  private final ConversationLookup conversations;
  private final RoutingAttributes routingAttributes;
  private final RatePacer pacer;

  public CreateInteractionDelegate(TwilioGateway gateway, MeterRegistry meters, FlexProperties flex,
      ConversationLookup conversations, RoutingAttributes routingAttributes, RatePacer pacer) {
    super(gateway, meters);
    this.flex = flex;
    this.conversations = conversations;
    this.routingAttributes = routingAttributes;
    this.pacer = pacer;
  }

  @Override
  protected String operation() {
    return "create-interaction";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    String instanceId = execution.getProcessInstanceId();
    if (execution.getVariable("interactionSid") != null && execution.getVariable("channelSid") != null) {
      // outbound: the operations API created the agent-initiated interaction before the start
      log.info("Interaction {} created by the outbound request: kept", execution.getVariable("interactionSid"));
      return;
    }
    Optional<Map<String, Object>> existing = existingTaskAttributes(client, instanceId);
    String interactionSid;
    String channelSid;
    if (existing.isPresent()) {
      interactionSid = (String) existing.get().get("flexInteractionSid");
      channelSid = (String) existing.get().get("flexInteractionChannelSid");
      log.info("Interaction {} already created for conversation {}: reused", interactionSid,
          conversationSid);
    } else {
      Interaction interaction;
      awaitRateSlot(execution);
      try {
        interaction = Interaction.creator(channel(execution, conversationSid))
            .setRouting(routing(execution, conversationSid, instanceId))
            .create(client);
      } catch (RuntimeException e) {
        throw conversations.explain(client, conversationSid, e);
      }
      interactionSid = interaction.getSid();
      channelSid = interaction.getChannel() instanceof Map<?, ?> channel && channel.get("sid") != null
          ? channel.get("sid").toString() : null;
      log.info("Created interaction {} for conversation {}", interactionSid, conversationSid);
    }
    execution.setVariable("interactionSid", interactionSid);
    execution.setVariable("channelSid", channelSid);
    execution.setVariable("interactionCreatedAt", new Date());
    execution.removeVariable(SLOT_VARIABLE);
  }

  /**
   * Twilio allows 20 creates/s per account: takes the cluster's next slot. A slot that is further
   * away than the pacer's inline wait is kept in {@value #SLOT_VARIABLE} and waited for at the
   * model's timer (BPMN error {@value #RATE_SLOT_RESERVED}); the next attempt uses it as it is.
   */
  private void awaitRateSlot(DelegateExecution execution) {
    if (!pacer.enabled()) {
      return;
    }
    long slotAt = execution.getVariable(SLOT_VARIABLE) instanceof Date reserved
        ? reserved.getTime() : pacer.reserveInteractionCreate();
    if (slotAt - System.currentTimeMillis() > pacer.maxWaitMs()) {
      execution.setVariable(SLOT_VARIABLE, new Date(slotAt));
      throw new BpmnError(RATE_SLOT_RESERVED,
          "next Interactions create slot at " + Instant.ofEpochMilli(slotAt));
    }
    if (!RatePacer.sleepUntil(slotAt)) {
      throw new IllegalStateException("interrupted while waiting for the Interactions rate slot");
    }
  }

  private Optional<Map<String, Object>> existingTaskAttributes(TwilioRestClient client,
      String instanceId) {
    for (Task task : Task.reader(flex.workspaceSid())
        // any status: the first attempt's task may already be accepted, or even completed
        .setEvaluateTaskAttributes(INSTANCE_ATTRIBUTE + " == \"" + instanceId + "\"")
        .setPageSize(20L)
        .firstPage(client).getRecords()) {
      Map<String, Object> attributes = routingAttributes.parse(task.getAttributes());
      if (attributes.get("flexInteractionSid") != null
          && attributes.get("flexInteractionChannelSid") != null) {
        return Optional.of(attributes);
      }
    }
    return Optional.empty();
  }

  private Map<String, Object> channel(DelegateExecution execution, String conversationSid) {
    return Map.of(
        "type", string(execution, "channelType"),
        "initiated_by", "customer",
        "properties", Map.of("media_channel_sid", conversationSid));
  }

  private Map<String, Object> routing(DelegateExecution execution, String conversationSid,
      String instanceId) {
    Map<String, Object> attributes = routingAttributes.of(execution, conversationSid);
    attributes.put(INSTANCE_ATTRIBUTE, instanceId);
    String knownWorker = string(execution, "knownWorkerSid");
    if (knownWorker != null) {
      // workflow filters match either spelling (see docs)
      attributes.put("known_worker_sid", knownWorker);
      attributes.put("KnownAgentWorkerSid", knownWorker);
    }

    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("workspace_sid", flex.workspaceSid());
    String workflow = string(execution, "workflowSid");
    properties.put("workflow_sid", workflow == null || workflow.isBlank() ? flex.workflowSid() : workflow);
    String taskChannel = string(execution, "taskChannel");
    properties.put("task_channel_unique_name", taskChannel == null || taskChannel.isBlank() ? "chat" : taskChannel);
    RoutingAttributes.putIfPresent(properties, "priority", execution.getVariable("routingPriority"));
    RoutingAttributes.putIfPresent(properties, "timeout", execution.getVariable("routingTimeout"));
    properties.put("attributes", attributes);
    return Map.of("properties", properties);
  }
}
