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
import com.twilio.rest.flexapi.v1.interaction.InteractionChannel;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelInvite;
import com.twilio.rest.flexapi.v1.interaction.interactionchannel.InteractionChannelParticipant;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.delegate.CustomerWindow;
import io.flexorchestrator.lifecycle.ConversationGuard;
import io.flexorchestrator.lifecycle.LifecycleApplier;
import io.flexorchestrator.lifecycle.LifecycleProperties;
import io.flexorchestrator.lifecycle.MessageWaits;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.HistoryService;
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
  /** Task attribute naming the lifecycle instance (as {@code createInteraction} sets it). */
  private static final String INSTANCE_ATTRIBUTE = "orchestratorInstanceId";

  private final TwilioGateway gateway;
  private final FlexProperties flex;
  private final RuntimeService runtime;
  private final HistoryService history;
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
      HistoryService history, LifecycleApplier lifecycles, LifecycleProperties lifecycleProperties,
      ConversationGuard guard, PlatformTransactionManager transactionManager, IdentityPolicy identities,
      CustomerWindow customerWindow, ObjectMapper mapper,
      @Value("${orchestrator.operations.transfer-timeout:PT2H}") String transferTimeout,
      @Value("${orchestrator.operations.park-timeout:P7D}") String parkTimeout) {
    this.transferTimeout = transferTimeout;
    this.parkTimeout = parkTimeout;
    this.gateway = gateway;
    this.flex = flex;
    this.runtime = runtime;
    this.history = history;
    this.lifecycles = lifecycles;
    this.lifecycleProperties = lifecycleProperties;
    this.guard = guard;
    this.tx = new TransactionTemplate(transactionManager);
    this.identities = identities;
    this.customerWindow = customerWindow;
    this.mapper = mapper;
  }

  // ---------------------------------------------------------------- outbound

  /** A validated outbound request. */
  private record Outbound(String channel, String address, String proxy, String identity,
      String workerSid, String queueSid, String body, String contentSid, Object contentVariables,
      Map<String, Object> attributes, boolean reuse) {

    boolean firstMessage() {
      return body != null || contentSid != null;
    }
  }

  public Map<String, Object> outbound(Map<String, Object> body) {
    Outbound request = outboundRequest(body);
    TwilioRestClient client = gateway.client();

    // 1. look: the address pair (or chat identity) in a non-closed conversation?
    String existing = openConversationOf(client, request.address(), request.proxy(),
        request.identity());
    if (existing != null) {
      return reuseOrConflict(client, request, existing);
    }
    if ("whatsapp".equals(request.channel()) && request.contentSid() == null) {
      // a new outbound conversation has no customer message, so the 24-hour window is closed
      throw ApiError.badRequest("whatsapp outside the 24-hour customer window: send a"
          + " pre-approved template (contentSid + contentVariables), not free text");
    }
    // 2. create the conversation, then the participant: 50416 names the conversation of a race
    Map<String, Object> conversationAttributes = new LinkedHashMap<>();
    conversationAttributes.put("known_worker_sid", request.workerSid());
    conversationAttributes.put("direction", "outbound");
    Conversation conversation = Conversation.creator()
        .setAttributes(json(conversationAttributes)).create(client);
    String ch = conversation.getSid();
    try {
      var creator = Participant.creator(ch);
      if (request.identity() != null) {
        creator.setIdentity(request.identity());
      } else {
        creator.setMessagingBindingAddress(request.address())
            .setMessagingBindingProxyAddress(request.proxy());
      }
      creator.create(client);
    } catch (RuntimeException e) {
      deleteQuietly(client, ch);
      if (TwilioErrors.hasCode(e, TwilioErrors.BINDING_IN_OTHER_CONVERSATION)) {
        String other = TwilioErrors.conversationSidIn(e).orElse(null);
        log.info("Outbound race: the customer is in conversation {} (50416)", other);
        if (other != null) {
          return reuseOrConflict(client, request, other);
        }
        throw new OperationConflict("the customer is already in a non-closed conversation on this"
            + " address pair", null);
      }
      if (TwilioErrors.isClientError(e)) {
        throw ApiError.badRequest("Twilio refused the participant: " + e.getMessage());
      }
      throw e;
    }
    // 3. lifecycle + interaction under the conversation's lock, then the first message
    Map<String, Object> result = tx.execute(status -> {
      guard.lock(ch);
      try {
        return routeToAgent(client, request, ch, conversation.getChatServiceSid(), null);
      } catch (RuntimeException e) {
        deleteQuietly(client, ch);
        throw e;
      }
    });
    sendFirstMessage(client, request, ch);
    log.info("Outbound {} interaction {} on conversation {}", request.channel(),
        result.get("interactionSid"), ch);
    return result;
  }

  private Outbound outboundRequest(Map<String, Object> body) {
    String channel = text(body, "channel");
    if (channel == null || !List.of("sms", "whatsapp", "chat").contains(channel)) {
      throw ApiError.badRequest("channel must be one of sms, whatsapp, chat");
    }
    String to = text(body, "to");
    String from = text(body, "from");
    String workerSid = text(body, "workerSid");
    String queueSid = text(body, "queueSid");
    String contentSid = text(body, "contentSid");
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
    Object reuse = body.get("reuse");
    if (reuse != null && !(reuse instanceof Boolean)) {
      throw ApiError.badRequest("reuse must be true or false");
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
      if ("whatsapp".equals(channel) && contentSid == null && !Boolean.TRUE.equals(reuse)) {
        // a new outbound conversation has no customer message, so the 24-hour window is closed
        throw ApiError.badRequest("whatsapp outside the 24-hour customer window: send a"
            + " pre-approved template (contentSid + contentVariables), not free text");
      }
    }
    Map<String, Object> attributes = body.get("attributes") instanceof Map<?, ?> m
        ? new LinkedHashMap<>(cast(m)) : new LinkedHashMap<>();
    return new Outbound(channel, address, proxy, identity, workerSid, queueSid, text(body, "body"),
        contentSid, body.get("contentVariables"), attributes, Boolean.TRUE.equals(reuse));
  }

  /**
   * Under the conversation's lock: starts the lifecycle (outbound, the same endings as inbound), then
   * routes the conversation to the requesting agent — a new agent-initiated interaction on it, or,
   * given {@code reuseChannel} (an earlier interaction's channel that is not closed), an Invite on
   * that channel with {@code reuseAttributes} — and gives the lifecycle the SIDs. The task attributes
   * carry the lifecycle's id ({@code orchestratorInstanceId}), as for inbound, so the system checkup
   * finds the lifecycle's task. 201 answer.
   */
  private Map<String, Object> routeToAgent(TwilioRestClient client, Outbound request, String ch,
      String chatServiceSid, ReuseTarget reuseChannel) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("conversationSid", ch);
    variables.put("chatServiceSid", chatServiceSid != null ? chatServiceSid : flex.chatServiceSid());
    variables.put("retryCycle", lifecycleProperties.retryCycle());
    variables.put("outbound", true);
    variables.put("requestedWorkerSid", request.workerSid());
    if (reuseChannel != null) {
      variables.put("reusedConversation", true);
    }
    ProcessInstance lifecycle = runtime.createProcessInstanceByKey(PROCESS_KEY).businessKey(ch)
        .setVariables(variables).execute();

    Map<String, Object> attributes = new LinkedHashMap<>(
        reuseChannel == null ? Map.of() : reuseChannel.attributes());
    attributes.putAll(request.attributes());
    attributes.put("conversationSid", ch);
    attributes.put("channelType", request.channel());
    attributes.put("direction", "outbound");
    attributes.put("known_worker_sid", request.workerSid());
    attributes.put("KnownAgentWorkerSid", request.workerSid());
    attributes.put("customerIdentity", request.identity());
    attributes.put(INSTANCE_ATTRIBUTE, lifecycle.getId());
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("workspace_sid", flex.workspaceSid());
    properties.put("workflow_sid", flex.workflowSid());
    properties.put("queue_sid", request.queueSid());
    properties.put("worker_sid", request.workerSid());
    properties.put("task_channel_unique_name", "chat");
    properties.put("attributes", attributes);
    String interactionSid;
    String channelSid;
    try {
      if (reuseChannel != null) {
        attributes.put("initiatedBy", "agent"); // Flex keeps the channel's own initiated_by
        attributes.put("orchestratorReuse", true);
        attributes.values().removeIf(Objects::isNull);
        InteractionChannelInvite invite = InteractionChannelInvite.creator(
            reuseChannel.interactionSid(), reuseChannel.channelSid(),
            Map.of("properties", properties)).create(client);
        interactionSid = reuseChannel.interactionSid();
        channelSid = reuseChannel.channelSid();
        runtime.setVariable(lifecycle.getId(), "reuseInviteSid", invite.getSid());
      } else {
        attributes.values().removeIf(Objects::isNull);
        Map<String, Object> channelParam = new LinkedHashMap<>();
        channelParam.put("type", request.channel());
        channelParam.put("initiated_by", "agent");
        channelParam.put("properties", Map.of("media_channel_sid", ch));
        Interaction interaction = Interaction.creator(channelParam)
            .setRouting(Map.of("properties", properties)).create(client);
        interactionSid = interaction.getSid();
        channelSid = interaction.getChannel() instanceof Map<?, ?> c && c.get("sid") != null
            ? c.get("sid").toString() : null;
      }
    } catch (RuntimeException e) {
      if (TwilioErrors.isClientError(e)) {
        throw ApiError.badRequest("Twilio refused the " + (reuseChannel != null ? "invite" : "interaction")
            + ": " + e.getMessage());
      }
      throw e;
    }
    runtime.setVariables(lifecycle.getId(), Map.of("interactionSid", interactionSid,
        "channelSid", channelSid, "interactionCreatedAt", new Date()));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("conversationSid", ch);
    answer.put("interactionSid", interactionSid);
    answer.put("channelSid", channelSid);
    return answer;
  }

  private void sendFirstMessage(TwilioRestClient client, Outbound request, String ch) {
    if (!request.firstMessage()) {
      return;
    }
    var message = Message.creator(ch).setAuthor(request.workerSid())
        .setAttributes(json(Map.of("orchestratorMessage", "outbound-first-message")));
    if (request.contentSid() != null) {
      message.setContentSid(request.contentSid());
      if (request.contentVariables() != null) {
        message.setContentVariables(request.contentVariables() instanceof String v ? v
            : json(request.contentVariables()));
      }
    } else {
      message.setBody(request.body());
    }
    message.create(client);
  }

  // ---------------------------------------------------------------- outbound "reuse": true

  /** An earlier interaction channel of the conversation, and the attributes of its last task. */
  private record ReuseTarget(String interactionSid, String channelSid,
      Map<String, Object> attributes) {}

  /**
   * The customer is already in the non-closed conversation {@code ch}: 409 with its SID, unless
   * {@code "reuse": true} was asked and it has no active task. Then it goes to the requesting agent:
   * parked → resumed to them (the park's re-invite, routed to {@code workerSid}); no lifecycle → an
   * Invite on its earlier interaction channel when that is not closed, else a new agent-initiated
   * interaction on it (e.g. a conversation created outside Flex), and a lifecycle started as for an
   * outbound. 201 with the conversation, interaction and channel SIDs.
   */
  private Map<String, Object> reuseOrConflict(TwilioRestClient client, Outbound request, String ch) {
    if (!request.reuse()) {
      throw new OperationConflict("the customer is already in a non-closed conversation on this"
          + " address pair", ch);
    }
    String lifecycle = lifecycles.running(ch);
    if (lifecycle != null) {
      return reuseRunning(client, request, ch, lifecycle);
    }
    List<Task> tasks = conversationTasks(client, ch);
    if (tasks.stream().anyMatch(AgentOperations::open)) {
      throw new OperationConflict("the customer's conversation has an active task", ch);
    }
    Conversation conversation = Conversation.fetcher(ch).fetch(client);
    if (conversation.getState() == Conversation.State.CLOSED) {
      throw new OperationConflict("the customer's conversation closed meanwhile; try again", ch);
    }
    checkFreeText(client, request, ch);
    ReuseTarget target = earlierChannel(client, ch, tasks);
    Map<String, Object> result = tx.execute(status -> {
      guard.lock(ch);
      if (lifecycles.running(ch) != null) {
        throw new OperationConflict("the customer's conversation has an active task", ch);
      }
      return routeToAgent(client, request, ch, conversation.getChatServiceSid(), target);
    });
    sendFirstMessage(client, request, ch);
    log.info("Outbound {} reuses conversation {}: {} {}", request.channel(), ch,
        target != null ? "invite on channel" : "new interaction", result.get("channelSid"));
    return result;
  }

  /** A running lifecycle: only a parked interaction has no active task; it resumes to the agent. */
  private Map<String, Object> reuseRunning(TwilioRestClient client, Outbound request, String ch,
      String lifecycle) {
    if ("taskrouter".equals(runtime.getVariable(lifecycle, "routingMode"))) {
      throw new OperationConflict("the customer's conversation is orchestrated in taskrouter mode"
          + " and cannot be reused through an invite", ch);
    }
    String park = lifecycles.running(PARK_PROCESS_KEY, ch);
    if (park == null) {
      throw new OperationConflict("the customer's conversation has an active task", ch);
    }
    checkFreeText(client, request, ch);
    try {
      resume(ch, park, "outbound-reuse", null, null, request.workerSid());
    } catch (ApiError busy) {
      throw new OperationConflict(busy.getMessage(), ch); // the outbound 409 names the conversation
    }
    sendFirstMessage(client, request, ch);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("conversationSid", ch);
    answer.put("interactionSid", runtime.getVariable(lifecycle, "interactionSid"));
    answer.put("channelSid", runtime.getVariable(lifecycle, "channelSid"));
    log.info("Outbound {} resumes parked conversation {} to the requesting agent", request.channel(), ch);
    return answer;
  }

  /** WhatsApp free text in a reused conversation only within the customer window (400 otherwise). */
  private void checkFreeText(TwilioRestClient client, Outbound request, String ch) {
    if ("whatsapp".equals(request.channel()) && request.body() != null && request.contentSid() == null
        && !customerWindow.allowsFreeText(client, ch, "whatsapp")) {
      throw new ApiError(400, "whatsapp outside the 24-hour customer window: the customer's last"
          + " message is older than " + customerWindow.window() + "; send a pre-approved template"
          + " (contentSid + contentVariables), not free text",
          Map.of("conversationSid", ch, "reason", "whatsapp-window-closed"));
    }
  }

  /** The conversation's TaskRouter tasks in any status (attribute {@code conversationSid}). */
  private List<Task> conversationTasks(TwilioRestClient client, String ch) {
    List<Task> tasks = new ArrayList<>();
    Task.reader(flex.workspaceSid()).setEvaluateTaskAttributes("conversationSid == \"" + ch + "\"")
        .setPageSize(50L).firstPage(client).getRecords().forEach(tasks::add);
    return tasks;
  }

  private static boolean open(Task task) {
    return task.getAssignmentStatus() != Task.Status.COMPLETED
        && task.getAssignmentStatus() != Task.Status.CANCELED;
  }

  /**
   * The newest earlier interaction channel of the conversation that is not closed (from its newest
   * task's attributes, else the last lifecycle's history), with that task's attributes minus Flex's
   * and the operations' own keys; null when there is none (then a new interaction is created).
   */
  private ReuseTarget earlierChannel(TwilioRestClient client, String ch, List<Task> tasks) {
    String interactionSid = null;
    String channelSid = null;
    String taskSid = null;
    Task newest = tasks.stream().filter(t -> t.getDateCreated() != null)
        .max(java.util.Comparator.comparing(Task::getDateCreated)).orElse(null);
    if (newest != null) {
      Map<String, Object> attributes = parse(newest.getAttributes());
      interactionSid = attributes.get("flexInteractionSid") instanceof String s ? s : null;
      channelSid = attributes.get("flexInteractionChannelSid") instanceof String s ? s : null;
      taskSid = newest.getSid();
    }
    if (interactionSid == null || channelSid == null) {
      var ended = history.createHistoricProcessInstanceQuery().processDefinitionKey(PROCESS_KEY)
          .processInstanceBusinessKey(ch).finished().orderByProcessInstanceEndTime().desc()
          .listPage(0, 1);
      if (!ended.isEmpty()) {
        interactionSid = historicVariable(ended.get(0).getId(), "interactionSid");
        channelSid = historicVariable(ended.get(0).getId(), "channelSid");
        taskSid = historicVariable(ended.get(0).getId(), "taskSid");
      }
    }
    if (interactionSid == null || channelSid == null) {
      return null;
    }
    try {
      InteractionChannel channel = InteractionChannel.fetcher(interactionSid, channelSid).fetch(client);
      if (channel.getStatus() == InteractionChannel.ChannelStatus.CLOSED
          || channel.getStatus() == InteractionChannel.ChannelStatus.FAILED) {
        return null;
      }
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return null;
      }
      throw e;
    }
    Map<String, Object> attributes = taskSid == null ? new LinkedHashMap<>()
        : taskAttributes(client, taskSid);
    attributes.remove(INSTANCE_ATTRIBUTE); // the new lifecycle's id is set
    attributes.remove("orchestratorRouteKey");
    attributes.remove("resumedFromPark");
    return new ReuseTarget(interactionSid, channelSid, attributes);
  }

  private String historicVariable(String processInstanceId, String name) {
    var variable = history.createHistoricVariableInstanceQuery().processInstanceId(processInstanceId)
        .variableName(name).singleResult();
    return variable == null || variable.getValue() == null ? null : variable.getValue().toString();
  }

  private Map<String, Object> parse(String json) {
    try {
      return json == null ? Map.of() : mapper.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
      return Map.of();
    }
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
    String id = interactionsLifecycle(ch, "transfers");
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
    String id = interactionsLifecycle(ch, "park");
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
    String park = lifecycles.running(PARK_PROCESS_KEY, ch);
    if (park == null) {
      if (lifecycles.running(ch) == null) {
        throw ApiError.notFound("no running interaction for conversation " + ch);
      }
      throw new ApiError(409, "the interaction is not parked");
    }
    if (contentSid == null && "whatsapp".equals(runtime.getVariable(park, "channelType"))
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
  private void resume(String ch, String park, String by, String contentSid,
      String contentVariables, String workerSid) {
    tx.executeWithoutResult(status -> {
      guard.lock(ch);
      if (!MessageWaits.waitsFor(runtime, park, UNPARK_REQUESTED)) {
        throw new ApiError(409, "the interaction is being parked or resumed right now; try again");
      }
      Map<String, Object> variables = new HashMap<>();
      variables.put("unparkedBy", by);
      variables.put("resumeContentSid", contentSid);
      variables.put("resumeContentVariables", contentVariables);
      if (workerSid != null) {
        variables.put("resumeWorkerSid", workerSid);
      }
      runtime.createMessageCorrelation(UNPARK_REQUESTED).processInstanceId(park)
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

  private String interactionsLifecycle(String ch, String operation) {
    String lifecycle = lifecycles.running(ch);
    if (lifecycle == null) {
      throw ApiError.notFound("no running interaction for conversation " + ch);
    }
    if ("taskrouter".equals(runtime.getVariable(lifecycle, "routingMode"))) {
      throw new ApiError(409, operation + ": only available in the interactions orchestration"
          + " mode; this conversation is orchestrated in taskrouter mode (no Interactions API)");
    }
    if (runtime.getVariable(lifecycle, "channelSid") == null) {
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
        "transfer_excluded_workers", "orchestratorParkId", "orchestratorReuse")) {
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
