package io.flexorchestrator.checkup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.AddressConfiguration;
import com.twilio.rest.conversations.v1.Configuration;
import com.twilio.rest.conversations.v1.service.configuration.Webhook;
import com.twilio.rest.taskrouter.v1.Workspace;
import com.twilio.rest.taskrouter.v1.workspace.Workflow;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.twilio.TwilioGateway;
import io.flexorchestrator.webhook.TaskRouterEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The Twilio configuration the app depends on, checked and (on request) applied:
 *
 * <ul>
 *   <li>{@code FLEX_CHAT_SERVICE_SID} is the account's default Conversations service;
 *   <li>the workspace's Event Callback URL is {@code {public URL}/webhooks/taskrouter} and its
 *       events filter (if any) has every event the lifecycle handles;
 *   <li>the Flex Chat Service's pre/post-event webhooks point here, with the needed filters;
 *   <li>every Conversations address auto-creates into the Flex Chat Service with a webhook here;
 *   <li>the known-agent workflow ({@code setup/known-agent-workflow.json}) exists.
 * </ul>
 *
 * Checks are cached ({@code orchestrator.checkup.setup-check-refresh}) so health stays cheap.
 */
@Component
public class TwilioSetup {

  static final List<String> SERVICE_FILTERS = List.of("onMessageAdd", "onMessageAdded",
      "onConversationStateUpdated", "onConversationRemoved", "onParticipantAdded",
      "onParticipantRemoved");
  static final List<String> ADDRESS_FILTERS = List.of("onMessageAdded", "onConversationStateUpdated",
      "onParticipantAdded", "onParticipantRemoved");
  static final String WORKFLOW_FILE = "setup/known-agent-workflow.json";
  private static final Logger log = LoggerFactory.getLogger(TwilioSetup.class);

  /** Checks whose failure degrades the app without breaking it: a warning, health stays UP. */
  static final Set<String> ADVISORY = Set.of("known-agent-workflow");

  /** The checks of one moment. */
  public record Result(Instant at, List<SetupCheck> checks) {
    /** Every required check passed (advisory ones may warn). */
    public boolean ok() {
      return checks.stream().allMatch(c -> c.ok() || ADVISORY.contains(c.name()));
    }

    public boolean allPassed() {
      return checks.stream().allMatch(SetupCheck::ok);
    }

    public Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ok", ok());
      m.put("allPassed", allPassed());
      m.put("checkedAt", at.toString());
      m.put("checks", checks.stream().map(SetupCheck::toJson).toList());
      return m;
    }
  }

  private final TwilioGateway gateway;
  private final FlexProperties flex;
  private final PublicUrl publicUrl;
  private final CheckupProperties properties;
  private final ObjectMapper mapper;
  /** Newest-started check wins: a slow check that began earlier must not overwrite a later one. */
  private final AtomicReference<Started> cached = new AtomicReference<>();
  private final AtomicLong checkSequence = new AtomicLong();

  private record Started(long sequence, Result result) {}

  public TwilioSetup(TwilioGateway gateway, FlexProperties flex, PublicUrl publicUrl,
      CheckupProperties properties, ObjectMapper mapper) {
    this.gateway = gateway;
    this.flex = flex;
    this.publicUrl = publicUrl;
    this.properties = properties;
    this.mapper = mapper;
  }

  /** The cached checks, refreshed when older than the refresh interval. */
  public Result checks() {
    Started latest = cached.get();
    Result current = latest == null ? null : latest.result();
    if (current == null || current.at().plus(properties.getSetupCheckRefresh()).isBefore(Instant.now())) {
      current = checkNow();
    }
    return current;
  }

  /** Checks now (and caches the result). Never throws: a failing call is a failed check. */
  public Result checkNow() {
    long sequence = checkSequence.incrementAndGet();
    List<SetupCheck> checks = new ArrayList<>();
    TwilioRestClient client;
    try {
      client = gateway.client();
    } catch (RuntimeException e) {
      checks.add(new SetupCheck("twilio-client", false, "cannot build the Twilio client: " + e.getMessage()));
      return remember(sequence, checks);
    }
    checks.add(guard("default-chat-service", () -> defaultService(client)));
    checks.add(guard("taskrouter-event-callback", () -> eventCallback(client)));
    checks.add(guard("service-webhooks", () -> serviceWebhooks(client)));
    checks.add(guard("address-auto-creation", () -> addresses(client)));
    checks.add(guard("known-agent-workflow", () -> knownAgentWorkflow(client)));
    return remember(sequence, checks);
  }

  private Result remember(long sequence, List<SetupCheck> checks) {
    Result result = new Result(Instant.now(), List.copyOf(checks));
    Started mine = new Started(sequence, result);
    cached.accumulateAndGet(mine, (old, now) -> old == null || old.sequence() < now.sequence() ? now : old);
    return result;
  }

  private interface Check {
    SetupCheck run();
  }

  private static SetupCheck guard(String name, Check check) {
    try {
      return check.run();
    } catch (RuntimeException e) {
      return new SetupCheck(name, false, "could not read it from Twilio: " + e.getMessage());
    }
  }

  // ---- checks ----

  private SetupCheck defaultService(TwilioRestClient client) {
    String actual = Configuration.fetcher().fetch(client).getDefaultChatServiceSid();
    boolean ok = Objects.equals(actual, flex.chatServiceSid());
    return new SetupCheck("default-chat-service", ok, ok
        ? "the Flex Chat Service " + actual + " is the default Conversations service"
        : "FLEX_CHAT_SERVICE_SID is " + flex.chatServiceSid() + " but the account's default"
            + " Conversations service is " + actual + ": Flex requires the Flex Chat Service as the"
            + " default (Console > Conversations > Defaults, or POST /api/setup)");
  }

  private SetupCheck eventCallback(TwilioRestClient client) {
    Workspace ws = Workspace.fetcher(flex.workspaceSid()).fetch(client);
    String expected = taskRouterUrl();
    String actual = ws.getEventCallbackUrl() == null ? null : ws.getEventCallbackUrl().toString();
    List<String> problems = new ArrayList<>();
    if (!expected.equals(actual)) {
      problems.add("the Event Callback URL of workspace " + ws.getSid() + " is " + actual
          + ", expected " + expected);
    }
    Set<String> missing = missingEvents(ws.getEventsFilter());
    if (!missing.isEmpty()) {
      problems.add("its Events Filter lacks " + missing + " (the lifecycle needs them)");
    }
    return new SetupCheck("taskrouter-event-callback", problems.isEmpty(), problems.isEmpty()
        ? "workspace " + ws.getSid() + " sends its events to " + expected
            + (blank(ws.getEventsFilter()) ? " (all events)" : " (filter has every event needed)")
        : String.join("; ", problems) + ": fix it in Console > TaskRouter > Workspace > Settings,"
            + " or POST /api/setup");
  }

  private SetupCheck serviceWebhooks(TwilioRestClient client) {
    Webhook hooks = Webhook.fetcher(flex.chatServiceSid()).fetch(client);
    List<String> problems = new ArrayList<>();
    if (!preUrl().equals(str(hooks.getPreWebhookUrl()))) {
      problems.add("pre-event URL is " + str(hooks.getPreWebhookUrl()) + ", expected " + preUrl());
    }
    if (!postUrl().equals(str(hooks.getPostWebhookUrl()))) {
      problems.add("post-event URL is " + str(hooks.getPostWebhookUrl()) + ", expected " + postUrl());
    }
    Set<String> filters = hooks.getFilters() == null ? Set.of() : new LinkedHashSet<>(hooks.getFilters());
    List<String> missing = SERVICE_FILTERS.stream().filter(f -> !filters.contains(f)).toList();
    if (!missing.isEmpty()) {
      problems.add("filters lack " + missing);
    }
    if (hooks.getMethod() != null && !"POST".equalsIgnoreCase(hooks.getMethod().toString())) {
      problems.add("method is " + hooks.getMethod() + ", expected POST");
    }
    return new SetupCheck("service-webhooks", problems.isEmpty(), problems.isEmpty()
        ? "the Flex Chat Service's pre- and post-event webhooks point to this app"
        : "Flex Chat Service " + flex.chatServiceSid() + ": " + String.join("; ", problems)
            + " (POST /api/setup fixes it)");
  }

  private SetupCheck addresses(TwilioRestClient client) {
    List<String> problems = new ArrayList<>();
    int n = 0;
    for (AddressConfiguration address : AddressConfiguration.reader().read(client)) {
      n++;
      String problem = addressProblem(address);
      if (problem != null) {
        problems.add(address.getType() + " address " + address.getSid() + ": " + problem);
      }
    }
    return new SetupCheck("address-auto-creation", problems.isEmpty(), problems.isEmpty()
        ? n + " address(es) auto-create conversations in the Flex Chat Service with a webhook to "
            + postUrl()
        : String.join("; ", problems) + " (POST /api/setup fixes it)");
  }

  String addressProblem(AddressConfiguration address) {
    Map<?, ?> auto = address.getAutoCreation() instanceof Map<?, ?> m ? m : Map.of();
    if (!Boolean.TRUE.equals(auto.get("enabled"))) {
      return "auto-creation is disabled";
    }
    if (!"webhook".equals(String.valueOf(auto.get("type")))) {
      return "auto-creation type is " + auto.get("type") + ", expected webhook (not Studio)";
    }
    if (!postUrl().equals(String.valueOf(auto.get("webhook_url")))) {
      return "auto-creation webhook is " + auto.get("webhook_url") + ", expected " + postUrl();
    }
    Object service = auto.get("conversation_service_sid");
    if (service != null && !service.equals(flex.chatServiceSid())) {
      return "auto-creation service is " + service + ", expected the Flex Chat Service "
          + flex.chatServiceSid();
    }
    Object filters = auto.get("webhook_filters");
    if (filters instanceof List<?> list && !list.isEmpty()) {
      List<String> missing = ADDRESS_FILTERS.stream().filter(f -> !list.contains(f)).toList();
      if (!missing.isEmpty()) {
        return "auto-creation webhook filters lack " + missing;
      }
    }
    return null;
  }

  private SetupCheck knownAgentWorkflow(TwilioRestClient client) {
    WorkflowDefinition definition = workflowDefinition();
    if (definition == null) {
      return new SetupCheck("known-agent-workflow", true, "no " + WORKFLOW_FILE + ": not checked");
    }
    boolean exists = findWorkflow(client, definition.friendlyName()) != null;
    return new SetupCheck("known-agent-workflow", exists, exists
        ? "workflow \"" + definition.friendlyName() + "\" exists"
        : "workflow \"" + definition.friendlyName() + "\" is missing in workspace "
            + flex.workspaceSid() + " (POST /api/setup creates it)");
  }

  // ---- apply ----

  /** Configures everything above; returns what changed (nothing on a second call). */
  public Map<String, Object> apply() {
    TwilioRestClient client = gateway.client();
    List<String> changes = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    step(errors, "default service", () -> {
      if (!Objects.equals(Configuration.fetcher().fetch(client).getDefaultChatServiceSid(), flex.chatServiceSid())) {
        Configuration.updater().setDefaultChatServiceSid(flex.chatServiceSid()).update(client);
        changes.add("default Conversations service set to the Flex Chat Service " + flex.chatServiceSid());
      }
    });
    step(errors, "workspace", () -> {
      Workspace ws = Workspace.fetcher(flex.workspaceSid()).fetch(client);
      var updater = Workspace.updater(ws.getSid());
      boolean change = false;
      if (!taskRouterUrl().equals(str(ws.getEventCallbackUrl()))) {
        updater.setEventCallbackUrl(taskRouterUrl());
        changes.add("workspace " + ws.getSid() + " Event Callback URL set to " + taskRouterUrl());
        change = true;
      }
      Set<String> missing = missingEvents(ws.getEventsFilter());
      if (!missing.isEmpty()) {
        Set<String> events = new TreeSet<>(split(ws.getEventsFilter()));
        events.addAll(missing);
        updater.setEventsFilter(String.join(",", events));
        changes.add("workspace " + ws.getSid() + " Events Filter extended by " + missing);
        change = true;
      }
      if (change) {
        updater.update(client);
      }
    });
    step(errors, "service webhooks", () -> {
      Webhook hooks = Webhook.fetcher(flex.chatServiceSid()).fetch(client);
      Set<String> filters = hooks.getFilters() == null ? new LinkedHashSet<>() : new LinkedHashSet<>(hooks.getFilters());
      boolean change = !preUrl().equals(str(hooks.getPreWebhookUrl()))
          || !postUrl().equals(str(hooks.getPostWebhookUrl()))
          || !filters.containsAll(SERVICE_FILTERS)
          || (hooks.getMethod() != null && !"POST".equalsIgnoreCase(hooks.getMethod().toString()));
      if (change) {
        filters.addAll(SERVICE_FILTERS);
        Webhook.updater(flex.chatServiceSid()).setPreWebhookUrl(preUrl()).setPostWebhookUrl(postUrl())
            .setFilters(new ArrayList<>(filters)).setMethod("POST").update(client);
        changes.add("Flex Chat Service webhooks set: pre-event " + preUrl() + ", post-event "
            + postUrl() + ", filters " + filters);
      }
    });
    step(errors, "addresses", () -> {
      for (AddressConfiguration address : AddressConfiguration.reader().read(client)) {
        if (addressProblem(address) != null) {
          Map<?, ?> auto = address.getAutoCreation() instanceof Map<?, ?> m ? m : Map.of();
          Set<String> filters = new LinkedHashSet<>(ADDRESS_FILTERS);
          if (auto.get("webhook_filters") instanceof List<?> list) {
            list.forEach(f -> filters.add(String.valueOf(f)));
          }
          AddressConfiguration.updater(address.getSid()).setAutoCreationEnabled(true)
              .setAutoCreationType(AddressConfiguration.AutoCreationType.WEBHOOK)
              .setAutoCreationConversationServiceSid(flex.chatServiceSid())
              .setAutoCreationWebhookUrl(postUrl())
              .setAutoCreationWebhookMethod(AddressConfiguration.Method.POST)
              .setAutoCreationWebhookFilters(new ArrayList<>(filters))
              .update(client);
          changes.add(address.getType() + " address " + address.getSid()
              + " auto-creates with a webhook to " + postUrl());
        }
      }
    });
    step(errors, "known-agent workflow", () -> {
      WorkflowDefinition definition = workflowDefinition();
      if (definition != null && findWorkflow(client, definition.friendlyName()) == null) {
        String configuration = definition.configuration().replace("{{defaultQueueSid}}",
            defaultQueueSid(client));
        var creator = Workflow.creator(flex.workspaceSid(), definition.friendlyName(), configuration);
        if (definition.reservationTimeout() != null) {
          creator.setTaskReservationTimeout(definition.reservationTimeout());
        }
        Workflow created = creator.create(client);
        changes.add("workflow \"" + definition.friendlyName() + "\" created: " + created.getSid());
      }
    });
    Result after = checkNow();
    changes.forEach(c -> log.info("Setup: {}", c));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("changed", changes);
    answer.put("errors", errors);
    answer.putAll(after.toJson());
    return answer;
  }

  private static void step(List<String> errors, String what, Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      errors.add(what + ": " + e.getMessage());
    }
  }

  // ---- helpers ----

  record WorkflowDefinition(String friendlyName, String configuration, Integer reservationTimeout) {}

  WorkflowDefinition workflowDefinition() {
    ClassPathResource resource = new ClassPathResource(WORKFLOW_FILE);
    if (!resource.exists()) {
      return null;
    }
    try (InputStream in = resource.getInputStream()) {
      JsonNode root = mapper.readTree(in);
      JsonNode configuration = root.has("configuration") ? root.get("configuration") : root;
      String name = root.path("friendlyName").asText(root.path("friendly_name").asText("Known agent"));
      Integer timeout = root.has("taskReservationTimeout") ? root.get("taskReservationTimeout").asInt() : null;
      return new WorkflowDefinition(name, configuration.isTextual() ? configuration.asText()
          : mapper.writeValueAsString(configuration), timeout);
    } catch (IOException e) {
      log.warn("{} is not valid JSON: {}", WORKFLOW_FILE, e.getMessage());
      return null;
    }
  }

  private Workflow findWorkflow(TwilioRestClient client, String friendlyName) {
    for (Workflow workflow : Workflow.reader(flex.workspaceSid()).setFriendlyName(friendlyName).read(client)) {
      if (friendlyName.equals(workflow.getFriendlyName())) {
        return workflow;
      }
    }
    return null;
  }

  /** The default filter's queue of the default workflow: where the known-agent workflow falls back. */
  private String defaultQueueSid(TwilioRestClient client) {
    try {
      JsonNode config = mapper.readTree(Workflow.fetcher(flex.workspaceSid(), flex.workflowSid())
          .fetch(client).getConfiguration());
      return config.path("task_routing").path("default_filter").path("queue").asText();
    } catch (IOException e) {
      throw new IllegalStateException("default workflow configuration is not JSON", e);
    }
  }

  private Set<String> missingEvents(String filter) {
    if (blank(filter)) {
      return Set.of();
    }
    Set<String> present = split(filter);
    return TaskRouterEventParser.HANDLED.stream().filter(e -> !present.contains(e))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<String> split(String filter) {
    return blank(filter) ? new TreeSet<>() : Arrays.stream(filter.split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
  }

  String taskRouterUrl() {
    return publicUrl.of("/webhooks/taskrouter");
  }

  String postUrl() {
    return publicUrl.of("/webhooks/conversations");
  }

  String preUrl() {
    return publicUrl.of("/webhooks/conversations/pre-event");
  }

  private static String str(Object value) {
    return value == null ? null : value.toString();
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
