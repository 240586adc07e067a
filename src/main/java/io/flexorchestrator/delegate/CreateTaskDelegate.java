package io.flexorchestrator.delegate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.Conversation;
import com.twilio.rest.conversations.v1.conversation.Participant;
import com.twilio.rest.taskrouter.v1.workspace.Task;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * taskrouter mode: creates the TaskRouter task for the conversation through the Task API (no
 * Interactions API), in the routed workflow (or, on a re-route, the input parameter
 * {@code targetWorkflowSid}) and task channel ({@code chat} by default). The attributes carry
 * {@code conversationSid}, {@code channelType}, the customer's pseudonymous identity (never an
 * address), {@code autoAnswer}, the known agent ({@code known_worker_sid}, {@code contact_uri}),
 * {@code orchestratorInstanceId} and a key of this step; a retry looks for a task with that key
 * first ({@code EvaluateTaskAttributes}), so a create whose answer was lost is not repeated.
 * Writes {@code routedTaskSid}: the task the instance now follows (events of other tasks are stale).
 */
@Component("createTask")
public class CreateTaskDelegate extends TwilioDelegate {

  private static final Logger log = LoggerFactory.getLogger(CreateTaskDelegate.class);
  static final String ROUTE_KEY_ATTRIBUTE = "orchestratorRouteKey";

  private final FlexProperties flex;
  private final ConversationLookup conversations;
  private final CustomerPseudonym pseudonym;
  private final AgentIdentity agents;
  private final ObjectMapper mapper;
  private final RoutingAttributes routingAttributes;

  public CreateTaskDelegate(TwilioGateway gateway, MeterRegistry meters, FlexProperties flex,
      ConversationLookup conversations, CustomerPseudonym pseudonym, AgentIdentity agents,
      ObjectMapper mapper, RoutingAttributes routingAttributes) {
    super(gateway, meters);
    this.flex = flex;
    this.conversations = conversations;
    this.pseudonym = pseudonym;
    this.agents = agents;
    this.mapper = mapper;
    this.routingAttributes = routingAttributes;
  }

  @Override
  protected String operation() {
    return "create-task";
  }

  @Override
  protected void run(DelegateExecution execution, TwilioRestClient client) {
    String conversationSid = string(execution, "conversationSid");
    String instanceId = execution.getProcessInstanceId();
    Object attempt = execution.getVariable("rerouteAttempts");
    String routeKey = instanceId + ":" + execution.getCurrentActivityId() + ":"
        + (attempt == null ? 0 : attempt);
    String workflow = firstNonBlank(string(execution, "targetWorkflowSid"),
        string(execution, "workflowSid"), flex.workflowSid());

    Optional<Task> existing = existing(client, routeKey);
    String taskSid;
    if (existing.isPresent()) {
      taskSid = existing.get().getSid();
      log.info("Task {} already created for conversation {}: reused", taskSid, conversationSid);
    } else {
      Conversation conversation = conversations.find(client, conversationSid)
          .filter(c -> c.getState() != Conversation.State.CLOSED)
          .orElseThrow(() -> new BpmnError(CONVERSATION_CLOSED, "conversation is closed or gone"));
      Map<String, Object> attributes = attributes(execution, client, conversation, instanceId,
          routeKey, attempt);
      String taskChannel = string(execution, "taskChannel");
      Task task;
      try {
        var creator = Task.creator(flex.workspaceSid())
            .setWorkflowSid(workflow)
            .setTaskChannel(taskChannel == null || taskChannel.isBlank() ? "chat" : taskChannel)
            .setAttributes(mapper.writeValueAsString(attributes));
        if (execution.getVariable("routingPriority") instanceof Number priority) {
          creator.setPriority(priority.intValue());
        }
        if (execution.getVariable("routingTimeout") instanceof Number timeout) {
          creator.setTimeout(timeout.intValue());
        }
        task = creator.create(client);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      } catch (RuntimeException e) {
        throw conversations.explain(client, conversationSid, e);
      }
      taskSid = task.getSid();
      log.info("Created task {} in workflow {} for conversation {}", taskSid, workflow, conversationSid);
    }
    execution.setVariable("routedTaskSid", taskSid);
    execution.setVariable("taskCreatedAt", new Date());
  }

  private Optional<Task> existing(TwilioRestClient client, String routeKey) {
    return Task.reader(flex.workspaceSid())
        .setEvaluateTaskAttributes(ROUTE_KEY_ATTRIBUTE + " == \"" + routeKey + "\"")
        .setPageSize(20L)
        .firstPage(client).getRecords().stream().findFirst();
  }

  private Map<String, Object> attributes(DelegateExecution execution, TwilioRestClient client,
      Conversation conversation, String instanceId, String routeKey, Object attempt) {
    Map<String, Object> attributes = routingAttributes.of(execution, conversation.getSid());
    String customer = pseudonym.of(customerAddress(client, conversation.getSid()));
    if (customer != null) {
      attributes.put("customerIdentity", customer);
      attributes.putIfAbsent("name", customer);
    }
    String knownWorker = string(execution, "knownWorkerSid");
    if (knownWorker != null && !knownWorker.isBlank()) {
      attributes.put("known_worker_sid", knownWorker);
      agents.contactUri(client, knownWorker).ifPresent(uri -> attributes.put("contact_uri", uri));
    }
    attributes.put("orchestratorMode", "taskrouter");
    attributes.put(CreateInteractionDelegate.INSTANCE_ATTRIBUTE, instanceId);
    attributes.put(ROUTE_KEY_ATTRIBUTE, routeKey);
    attributes.put("rerouteAttempt", attempt == null ? 0 : attempt);
    return attributes;
  }

  /** The customer's address (or, on web chat, identity): the first participant that has one. */
  private static String customerAddress(TwilioRestClient client, String conversationSid) {
    List<Participant> participants = StreamSupport
        .stream(Participant.reader(conversationSid).read(client).spliterator(), false)
        .sorted(Comparator.comparing(Participant::getDateCreated,
            Comparator.nullsLast(Comparator.naturalOrder())))
        .toList();
    for (Participant p : participants) {
      if (p.getMessagingBinding() instanceof Map<?, ?> binding && binding.get("address") != null) {
        return binding.get("address").toString();
      }
    }
    return participants.stream().map(Participant::getIdentity).filter(i -> i != null && !i.isBlank())
        .findFirst().orElse(null);
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
