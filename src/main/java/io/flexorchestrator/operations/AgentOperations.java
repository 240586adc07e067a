package io.flexorchestrator.operations;

import static io.flexorchestrator.lifecycle.LifecycleMessages.*;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.ParticipantConversation;
import com.twilio.rest.conversations.v1.conversation.Message;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.flexapi.v1.Interaction;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelParticipant;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.delegate.CustomerWindow;
import io.flexorchestrator.lifecycle.ConversationGuard;
import io.flexorchestrator.lifecycle.LifecycleApplier;
import io.flexorchestrator.lifecycle.LifecycleProperties;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Agent operations of contract section 4 in interactions mode: outbound, transfers, park/unpark,
 * a further customer. The calls whose answer carries Twilio SIDs (conversation, interaction,
 * invite) run synchronously in the request and look before they create (see docs/design.md,
 * "Agent operations"); everything after that runs in BPMN ({@code interaction-lifecycle},
 * {@code transfer-interaction}, {@code park-interaction}), started here under the conversation's
 * {@link ConversationGuard} lock so that no webhook event of the new task is applied before its
 * instance exists.
 */
@Service
public class AgentOperations {

  private static final Logger log = LoggerFactory.getLogger(AgentOperations.class);
  private static final Pattern WK = Pattern.compile("WK[0-9a-fA-F]{32}");
  private static final Pattern WQ = Pattern.compile("WQ[0-9a-fA-F]{32}");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
  private static final Pattern HX = Pattern.compile("HX[0-9a-fA-F]{32}");

  private final TwilioGateway gateway;
  private final FlexProperties flex;
  private final RuntimeService runtime;
  private final LifecycleApplier lifecycles;
  private final LifecycleProperties lifecycleProperties;
  private final ConversationGuard guard;
  private final TransactionTemplate tx;
  private final IdentityPolicy identities;
  private final CustomerWindow customerWindow;
  private final ObjectMapper mapper;
  private final String transferTimeout;
  private final String parkTimeout;

  public AgentOperations(TwilioGateway gateway, FlexProperties flex, RuntimeService runtime,
      LifecycleApplier lifecycles, LifecycleProperties lifecycleProperties, ConversationGuard guard,
      PlatformTransactionManager transactionManager, IdentityPolicy identities,
      CustomerWindow customerWindow, ObjectMapper mapper,
      @Value("${orchestrator.operations.transfer-timeout:PT2H}") String transferTimeout,
      @Value("${orchestrator.operations.park-timeout:P7D}") String parkTimeout) {
    this.transferTimeout = transferTimeout;
    this.parkTimeout = parkTimeout;
    this.gateway = gateway;
    this.flex = flex;
    this.runtime = runtime;
    this.lifecycles = lifecycles;
    this.lifecycleProperties = lifecycleProperties;
    this.guard = guard;
    this.tx = new TransactionTemplate(transactionManager);
    this.identities = identities;
    this.customerWindow = customerWindow;
    this.mapper = mapper;
  }

  // ---------------------------------------------------------------- outbound

  public Map<String, Object> outbound(Map<String, Object> body) {
    String channel = text(body, "channel");
    if (channel == null || !List.of("sms", "whatsapp", "chat").contains(channel)) {
      throw ApiError.badRequest("channel must be one of sms, whatsapp, chat");
    }
    String to = text(body, "to");
    String from = text(body, "from");
    String workerSid = text(body, "workerSid");
    String queueSid = text(body, "queueSid");
    String messageBody = text(body, "body");
    String contentSid = text(body, "contentSid");
    Object contentVariables = body.get("contentVariables");
    if (to == null) {
      throw ApiError.badRequest("to is required");
    }
    if (workerSid == null || !WK.matcher(workerSid).matches()) {
      throw ApiError.badRequest("workerSid (WK…) is required");
    }
    if (queueSid == null || !WQ.matcher(queueSid).matches()) {
      throw ApiError.badRequest("queueSid (WQ…) is required");
    }
    if (body.get("attributes") != null && !(body.get("attributes") instanceof Map)) {
      throw ApiError.badRequest("attributes must be a JSON object");
    }
    if (contentSid != null && !HX.matcher(contentSid).matches()) {
      throw ApiError.badRequest("contentSid must be a Content template SID (HX…)");
    }
    String address = null;
    String proxy = null;
    String identity = null;
    if ("chat".equals(channel)) {
      identity = identities.chatIdentity(to);
    } else {
      if (from == null) {
        throw ApiError.badRequest("from (the proxy address) is required for " + channel);
      }
      address = "whatsapp".equals(channel) ? whatsapp(to) : to;
      proxy = "whatsapp".equals(channel) ? whatsapp(from) : from;
      if (!E164.matcher(address.replace("whatsapp:", "")).matches()
          || !E164.matcher(proxy.replace("whatsapp:", "")).matches()) {
        throw ApiError.badRequest("to and from must be E.164 phone numbers");
      }
      if ("whatsapp".equals(channel) && contentSid == null) {
        // a new outbound conversation has no customer message, so the 24-hour window is closed
        throw ApiError.badRequest("whatsapp outside the 24-hour customer window: send a"
            + " pre-approved template (contentSid + contentVariables), not free text");
      }
    }
    TwilioRestClient client = gateway.client();

    // 1. look: the address pair (or chat identity) in a non-closed conversation?
    String existing = openConversationOf(client, address, proxy, identity);
    if (existing != null) {
      throw new OperationConflict("the customer is already in a non-closed conversation on this"
          + " address pair", existing);
    }
    // 2. create the conversation, then the participant: 50416 names the conversation of a race
    Map<String, Object> conversationAttributes = new LinkedHashMap<>();
    conversationAttributes.put("known_worker_sid", workerSid);
    conversationAttributes.put("direction", "outbound");
    Conversation conversation = Conversation.creator()
        .setAttributes(json(conversationAttributes)).create(client);
    String ch = conversation.getSid();
    try {
      var creator = Participant.creator(ch);
      if (identity != null) {
        creator.setIdentity(identity);
      } else {
        creator.setMessagingBindingAddress(address).setMessagingBindingProxyAddress(proxy);
      }
      creator.create(client);
    } catch (RuntimeException e) {
      deleteQuietly(client, ch);
      if (TwilioErrors.hasCode(e, TwilioErrors.BINDING_IN_OTHER_CONVERSATION)) {
        String other = TwilioErrors.conversationSidIn(e).orElse(null);
        log.info("Outbound race: the customer is in conversation {} (50416)", other);
        throw new OperationConflict("the customer is already in a non-closed conversation on this"
            + " address pair", other);
      }
      if (TwilioErrors.isClientError(e)) {
        throw ApiError.badRequest("Twilio refused the participant: " + e.getMessage());
      }
      throw e;
    }
    // 3. interaction + lifecycle under the conversation's lock, then the first message
    Map<String, Object> requested = body.get("attributes") instanceof Map<?, ?> m
        ? new LinkedHashMap<>(cast(m)) : new LinkedHashMap<>();
    String chatIdentity = identity;
    Map<String, Object> result = tx.execute(status -> {
      guard.lock(ch);
      Map<String, Object> attributes = new LinkedHashMap<>(requested);
      attributes.put("conversationSid", ch);
      attributes.put("channelType", channel);
      attributes.put("direction", "outbound");
      attributes.put("known_worker_sid", workerSid);
      attributes.put("KnownAgentWorkerSid", workerSid);
      attributes.put("customerIdentity", chatIdentity);
      attributes.values().removeIf(Objects::isNull);
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("workspace_sid", flex.workspaceSid());
      properties.put("workflow_sid", flex.workflowSid());
      properties.put("queue_sid", queueSid);
      properties.put("worker_sid", workerSid);
      properties.put("task_channel_unique_name", "chat");
      properties.put("attributes", attributes);
      Map<String, Object> channelParam = new LinkedHashMap<>();
      channelParam.put("type", channel);
      channelParam.put("initiated_by", "agent");
      channelParam.put("properties", Map.of("media_channel_sid", ch));
      Interaction interaction;
      try {
        interaction = Interaction.creator(channelParam).setRouting(Map.of("properties", properties))
            .create(client);
      } catch (RuntimeException e) {
        deleteQuietly(client, ch);
        if (TwilioErrors.isClientError(e)) {
          throw ApiError.badRequest("Twilio refused the interaction: " + e.getMessage());
        }
        throw e;
      }
      String channelSid = interaction.getChannel() instanceof Map<?, ?> c && c.get("sid") != null
          ? c.get("sid").toString() : null;
      Map<String, Object> variables = new HashMap<>();
      variables.put("conversationSid", ch);
      variables.put("chatServiceSid", conversation.getChatServiceSid() != null
          ? conversation.getChatServiceSid() : flex.chatServiceSid());
      variables.put("retryCycle", lifecycleProperties.retryCycle());
      variables.put("outbound", true);
      variables.put("interactionSid", interaction.getSid());
      variables.put("channelSid", channelSid);
      variables.put("requestedWorkerSid", workerSid);
      runtime.createProcessInstanceByKey(PROCESS_KEY).businessKey(ch).setVariables(variables)
          .execute();
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("conversationSid", ch);
      answer.put("interactionSid", interaction.getSid());
      answer.put("channelSid", channelSid);
      return answer;
    });
    if (messageBody != null || contentSid != null) {
      var message = Message.creator(ch).setAuthor(workerSid)
          .setAttributes(json(Map.of("orchestratorMessage", "outbound-first-message")));
      if (contentSid != null) {
        message.setContentSid(contentSid);
        if (contentVariables != null) {
          message.setContentVariables(contentVariables instanceof String s ? s : json(contentVariables));
        }
      } else {
        message.setBody(messageBody);
      }
      message.create(client);
    }
    log.info("Outbound {} interaction {} on conversation {}", channel, result.get("interactionSid"), ch);
    return result;
  }

  private String openConversationOf(TwilioRestClient client, String address, String proxy,
      String identity) {
    var reader = ParticipantConversation.reader().setPageSize(50L);
    if (identity != null) {
      reader.setIdentity(identity);
    } else {
      reader.setAddress(address);
    }
    for (ParticipantConversation pc : reader.read(client)) {
      if (pc.getConversationState() == ParticipantConversation.State.CLOSED) {
        continue;
      }
      if (identity != null) {
        return pc.getConversationSid();
      }
      Object binding = pc.getParticipantMessagingBinding();
      Object boundProxy = binding instanceof Map<?, ?> b ? b.get("proxy_address") : null;
      if (boundProxy == null || proxy.equals(boundProxy.toString())) {
        return pc.getConversationSid();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- transfers

  public Map<String, Object> transfer(String ch, Map<String, Object> body) {
    String queueSid = text(body, "queueSid");
    String workerSid = text(body, "workerSid");
    String mode = text(body, "mode") == null ? "cold" : text(body, "mode");
    if ((queueSid == null) == (workerSid == null)) {
      throw ApiError.badRequest("give either queueSid (WQ…) or workerSid (WK…)");
    }
    if (queueSid != null && !WQ.matcher(queueSid).matches()) {
      throw ApiError.badRequest("queueSid must be a WQ… SID");
    }
    if (workerSid != null && !WK.matcher(workerSid).matches()) {
      throw ApiError.badRequest("workerSid must be a WK… SID");
    }
    if (!List.of("cold", "warm").contains(mode)) {
      throw ApiError.badRequest("mode must be cold or warm");
    }
    ProcessInstance lifecycle = interactionsLifecycle(ch, "transfers");
    String id = lifecycle.getId();
    String interactionSid = (String) runtime.getVariable(id, "interactionSid");
    String channelSid = (String) runtime.getVariable(id, "channelSid");
    // several invites may be pending (e.g. warm to a worker and to a queue); the same request
    // again, while its invite is pending, gets the same answer
    Object same = samePendingInvite(ch, mode, queueSid, workerSid);
    if (same != null) {
      return Map.of("inviteSid", same);
    }
    if (runtime.createProcessInstanceQuery().processDefinitionKey(PARK_PROCESS_KEY)
        .processInstanceBusinessKey(ch).count() > 0) {
      throw new ApiError(409, "the interaction is parked: unpark it first");
    }
    TwilioRestClient client = gateway.client();
    List<String> agents = presentAgents(client, interactionSid, channelSid);
    Object taskSid = runtime.getVariable(id, "taskSid");
    if (agents.isEmpty() || taskSid == null || !Boolean.TRUE.equals(runtime.getVariable(id, "agentAccepted"))) {
      throw new ApiError(409, "no agent is on this interaction");
    }
    Object fromWorker = runtime.getVariable(id, "workerSid");
    String transferId = UUID.randomUUID().toString();
    Map<String, Object> attributes = taskAttributes(client, taskSid.toString());
    attributes.put("conversationSid", ch);
    attributes.remove("known_worker_sid"); // the transfer's own target routes it
    attributes.remove("KnownAgentWorkerSid");
    attributes.put("orchestratorTransferId", transferId);
    attributes.put("transferMode", mode);
    attributes.put("transferFromWorkerSid", fromWorker);
    attributes.put("transferFromTaskSid", taskSid);
    attributes.put("transferTarget", queueSid != null ? queueSid : workerSid);
    attributes.put("transfer_excluded_workers", agents);
    attributes.values().removeIf(Objects::isNull);
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("workspace_sid", flex.workspaceSid());
    properties.put("workflow_sid", flex.workflowSid());
    if (queueSid != null) {
      properties.put("queue_sid", queueSid);
    } else {
      properties.put("worker_sid", workerSid);
    }
    properties.put("task_channel_unique_name", "chat");
    properties.put("attributes", attributes);
    return tx.execute(status -> {
      guard.lock(ch);
      Object concurrent = samePendingInvite(ch, mode, queueSid, workerSid);
      if (concurrent != null) {
        return Map.of("inviteSid", concurrent);
      }
      InteractionChannelInvite invite = InteractionChannelInvite
          .creator(interactionSid, channelSid, Map.of("properties", properties)).create(client);
      Map<String, Object> variables = new HashMap<>();
      variables.put("conversationSid", ch);
      variables.put("interactionSid", interactionSid);
      variables.put("channelSid", channelSid);
      variables.put("channelType", runtime.getVariable(id, "channelType"));
      variables.put("retryCycle", lifecycleProperties.retryCycle());
      variables.put("transferId", transferId);
      variables.put("transferTimeout", transferTimeout);
      variables.put("transferMode", mode);
      variables.put("inviteSid", invite.getSid());
      variables.put("targetQueueSid", queueSid);
      variables.put("targetWorkerSidRequested", workerSid);
      variables.put("transferringTaskSid", taskSid.toString());
      variables.put("transferringWorkerSid", fromWorker == null ? null : fromWorker.toString());
      variables.put("agentLeft", false);
      runtime.createProcessInstanceByKey(TRANSFER_PROCESS_KEY).businessKey(ch)
          .setVariables(variables).execute();
      log.info("Transfer {} ({}) of conversation {}: invite {}", transferId, mode, ch, invite.getSid());
      return Map.of("inviteSid", invite.getSid());
    });
  }

  /** The invite SID of a pending transfer of the conversation to the same target and mode. */
  private Object samePendingInvite(String ch, String mode, String queueSid, String workerSid) {
    for (ProcessInstance pending : lifecycles.pendingTransfers(ch)) {
      Map<String, Object> v = runtime.getVariables(pending.getId());
      if (Objects.equals(v.get("transferMode"), mode)
          && Objects.equals(v.get("targetQueueSid"), queueSid)
          && Objects.equals(v.get("targetWorkerSidRequested"), workerSid)) {
        return v.get("inviteSid");
      }
    }
    return null;
  }

  /** Worker SIDs of the agents on the channel (participants of type agent, not closed). */
  private List<String> presentAgents(TwilioRestClient client, String interactionSid,
      String channelSid) {
    List<String> workers = new ArrayList<>();
    for (InteractionChannelParticipant p : InteractionChannelParticipant
        .reader(interactionSid, channelSid).read(client)) {
      if (p.getType() == InteractionChannelParticipant.Type.AGENT
          && p.getRoutingProperties() instanceof Map<?, ?> routing
          && routing.get("worker_sid") != null && !"closed".equals(String.valueOf(routing.get("status")))) {
        workers.add(routing.get("worker_sid").toString());
      }
    }
    return workers;
  }

  // ---------------------------------------------------------------- park / unpark

  public void park(String ch) {
    ProcessInstance lifecycle = interactionsLifecycle(ch, "park");
    String id = lifecycle.getId();
    if (lifecycles.running(PARK_PROCESS_KEY, ch) != null) {
      return; // parked already: same answer
    }
    if (lifecycles.running(TRANSFER_PROCESS_KEY, ch) != null) {
      throw new ApiError(409, "a transfer of this interaction is pending");
    }
    Object taskSid = runtime.getVariable(id, "taskSid");
    if (taskSid == null || !Boolean.TRUE.equals(runtime.getVariable(id, "agentAccepted"))) {
      throw new ApiError(409, "no agent is on this interaction");
    }
    tx.executeWithoutResult(status -> {
      guard.lock(ch);
      List<String> handedOver = new ArrayList<>(List.of(String.valueOf(
          runtime.getVariable(id, HANDED_OVER_TASKS) == null ? "" : runtime.getVariable(id, HANDED_OVER_TASKS))
          .split(",")));
      handedOver.removeIf(String::isBlank);
      handedOver.add(taskSid.toString());
      runtime.setVariable(id, HANDED_OVER_TASKS, String.join(",", handedOver));
      Map<String, Object> variables = new HashMap<>();
      variables.put("conversationSid", ch);
      variables.put("interactionSid", runtime.getVariable(id, "interactionSid"));
      variables.put("channelSid", runtime.getVariable(id, "channelSid"));
      variables.put("channelType", runtime.getVariable(id, "channelType"));
      variables.put("retryCycle", lifecycleProperties.retryCycle());
      variables.put("parkedTaskSid", taskSid.toString());
      variables.put("parkedWorkerSid", String.valueOf(runtime.getVariable(id, "workerSid")));
      variables.put("parkId", UUID.randomUUID().toString());
      variables.put("parkTimeout", parkTimeout);
      runtime.createProcessInstanceByKey(PARK_PROCESS_KEY).businessKey(ch).setVariables(variables)
          .execute();
    });
  }

  /**
   * Resumes a parked interaction. WhatsApp outside the 24-hour customer window: 409 unless the body
   * names a pre-approved template ({@code contentSid} + optional {@code contentVariables}), which the
   * park process sends before the re-invite (the only business message WhatsApp allows there).
   */
  public void unpark(String ch, Map<String, Object> body) {
    String contentSid = text(body, "contentSid");
    Object contentVariables = body.get("contentVariables");
    if (contentSid != null && !HX.matcher(contentSid).matches()) {
      throw ApiError.badRequest("contentSid must be a Content template SID (HX…)");
    }
    if (contentVariables != null && contentSid == null) {
      throw ApiError.badRequest("contentVariables need a contentSid");
    }
    if (contentVariables != null && !(contentVariables instanceof Map) && !(contentVariables instanceof String)) {
      throw ApiError.badRequest("contentVariables must be a JSON object");
    }
    ProcessInstance park = lifecycles.running(PARK_PROCESS_KEY, ch);
    if (park == null) {
      if (lifecycles.running(ch) == null) {
        throw ApiError.notFound("no running interaction for conversation " + ch);
      }
      throw new ApiError(409, "the interaction is not parked");
    }
    if (contentSid == null && "whatsapp".equals(runtime.getVariable(park.getId(), "channelType"))
        && customerWindow.lastCustomerMessageWithinWindow(gateway.client(), ch).isEmpty()) {
      throw new ApiError(409, "the WhatsApp customer window is closed (the customer's last message"
          + " is older than " + customerWindow.window() + "): the agent could only send a"
          + " pre-approved template. Unpark with {\"contentSid\": \"HX…\", \"contentVariables\": {…}}"
          + " to send one first, or wait: the customer's next message resumes the interaction",
          Map.of("reason", "whatsapp-window-closed", "requires", "contentSid"));
    }
    String variables = contentVariables == null ? null
        : contentVariables instanceof String v ? v : json(contentVariables);
    resume(ch, park, "api", contentSid, variables, null);
  }

  /** Correlates {@code UnparkRequested} under the conversation's lock. */
  private void resume(String ch, ProcessInstance park, String by, String contentSid,
      String contentVariables, String workerSid) {
    tx.executeWithoutResult(status -> {
      guard.lock(ch);
      if (runtime.createEventSubscriptionQuery().processInstanceId(park.getId())
          .eventType("message").eventName(UNPARK_REQUESTED).count() == 0) {
        throw new ApiError(409, "the interaction is being parked or resumed right now; try again");
      }
      Map<String, Object> variables = new HashMap<>();
      variables.put("unparkedBy", by);
      variables.put("resumeContentSid", contentSid);
      variables.put("resumeContentVariables", contentVariables);
      if (workerSid != null) {
        variables.put("resumeWorkerSid", workerSid);
      }
      runtime.createMessageCorrelation(UNPARK_REQUESTED).processInstanceId(park.getId())
          .setVariables(variables).correlateWithResult();
    });
  }

  // ---------------------------------------------------------------- further customers

  public Map<String, Object> addCustomer(String ch, Map<String, Object> body) {
    String channel = text(body, "channel");
    String address = text(body, "address");
    String proxy = text(body, "proxyAddress");
    if (channel == null || !List.of("sms", "whatsapp", "chat").contains(channel) || address == null) {
      throw ApiError.badRequest("channel (sms, whatsapp, chat) and address are required");
    }
    if (lifecycles.running(ch) == null) {
      throw ApiError.notFound("no running interaction for conversation " + ch);
    }
    TwilioRestClient client = gateway.client();
    var creator = Participant.creator(ch);
    String identity = null;
    if ("chat".equals(channel)) {
      identity = identities.chatIdentity(address);
      creator.setIdentity(identity);
    } else {
      if (proxy == null) {
        throw ApiError.badRequest("proxyAddress is required for " + channel);
      }
      String a = "whatsapp".equals(channel) ? whatsapp(address) : address;
      String p = "whatsapp".equals(channel) ? whatsapp(proxy) : proxy;
      if (!E164.matcher(a.replace("whatsapp:", "")).matches()
          || !E164.matcher(p.replace("whatsapp:", "")).matches()) {
        throw ApiError.badRequest("address and proxyAddress must be E.164 phone numbers");
      }
      String other = openConversationOf(client, a, p, null);
      if (other != null && !other.equals(ch)) {
        throw new OperationConflict("the customer is already in a non-closed conversation on this"
            + " address pair", other);
      }
      creator.setMessagingBindingAddress(a).setMessagingBindingProxyAddress(p);
    }
    try {
      Participant participant = creator.create(client);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("conversationSid", ch);
      answer.put("participantSid", participant.getSid());
      if (identity != null) {
        answer.put("identity", identity);
      }
      return answer;
    } catch (RuntimeException e) {
      if (TwilioErrors.hasCode(e, TwilioErrors.BINDING_IN_OTHER_CONVERSATION)) {
        throw new OperationConflict("the customer is already in a non-closed conversation on this"
            + " address pair", TwilioErrors.conversationSidIn(e).orElse(null));
      }
      if (TwilioErrors.isNotFound(e)) {
        throw ApiError.notFound("conversation " + ch + " not found");
      }
      if (TwilioErrors.isClientError(e)) {
        throw new ApiError(409, "Twilio refused the participant: " + e.getMessage());
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- helpers

  private ProcessInstance interactionsLifecycle(String ch, String operation) {
    ProcessInstance lifecycle = lifecycles.running(ch);
    if (lifecycle == null) {
      throw ApiError.notFound("no running interaction for conversation " + ch);
    }
    if ("taskrouter".equals(runtime.getVariable(lifecycle.getId(), "routingMode"))) {
      throw new ApiError(409, operation + " are only available in the interactions orchestration"
          + " mode; this conversation is orchestrated in taskrouter mode");
    }
    if (runtime.getVariable(lifecycle.getId(), "channelSid") == null) {
      throw ApiError.notFound("conversation " + ch + " has no interaction yet");
    }
    return lifecycle;
  }

  private Map<String, Object> taskAttributes(TwilioRestClient client, String taskSid) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    try {
      attributes.putAll(mapper.readValue(Task.fetcher(flex.workspaceSid(), taskSid).fetch(client)
          .getAttributes(), new TypeReference<Map<String, Object>>() {}));
    } catch (RuntimeException e) {
      if (!TwilioErrors.isNotFound(e)) {
        throw e;
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      // rebuilt by the caller
    }
    // Flex's own and earlier operations' keys are not carried over
    for (String key : List.of("flexInteractionSid", "flexInteractionChannelSid", "flexChannelInviteSid",
        "conversations", "orchestratorInviteKey", "orchestratorTransferId", "transferMode",
        "transferFromWorkerSid", "transferFromTaskSid", "transferTarget",
        "transfer_excluded_workers", "orchestratorParkId")) {
      attributes.remove(key);
    }
    return attributes;
  }

  private static void deleteQuietly(TwilioRestClient client, String ch) {
    try {
      Conversation.deleter(ch).delete(client);
    } catch (RuntimeException e) {
      log.warn("Could not delete conversation {} made for an outbound that failed: {}", ch,
          e.getMessage());
    }
  }

  private static String whatsapp(String address) {
    return address.startsWith("whatsapp:") ? address : "whatsapp:" + address;
  }

  private String json(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }

  private static String text(Map<String, Object> body, String name) {
    Object value = body == null ? null : body.get(name);
    return value == null || value.toString().isBlank() ? null : value.toString().trim();
  }
}
