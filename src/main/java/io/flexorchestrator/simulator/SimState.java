package io.flexorchestrator.simulator;

import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.config.SandboxDefaults;
import io.flexorchestrator.simulator.SimModel.Address;
import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Interaction;
import io.flexorchestrator.simulator.SimModel.ServiceWebhooks;
import io.flexorchestrator.simulator.SimModel.Task;
import io.flexorchestrator.simulator.SimModel.Worker;
import io.flexorchestrator.simulator.SimModel.Workflow;
import io.flexorchestrator.simulator.SimModel.Workspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The whole emulated Twilio account, in memory. Every read and change happens under one lock
 * ({@link #locked}), so the Twilio rules (one open conversation per binding, task transitions) hold
 * under concurrent calls. Webhooks are only queued while the lock is held, never sent.
 */
@Component
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class SimState {

  static final String ACCOUNT = SandboxDefaults.ACCOUNT_SID;
  static final String MESSAGING_SERVICE_SID = "MG5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  static final String DEFAULT_QUEUE_SID = "WQ5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  static final String DEFAULT_QUEUE_NAME = "Everyone";
  static final String SERVICE_WEBHOOK_SID = "WH5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  static final String FLEX_INSTANCE_SID = "GO5a5db0c5a5db0c5a5db0c5a5db0c5a5d";

  // not fair: a fair lock hands over through a context switch per call and convoys under load
  private final ReentrantLock lock = new ReentrantLock();
  private final PublicUrl publicUrl;

  final Map<String, Conversation> conversations = new LinkedHashMap<>();
  /** Addresses ParticipantConversations does not find (to force the outbound 50416 race in tests). */
  final java.util.Set<String> lookupHiddenAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
  final Map<String, Address> addresses = new LinkedHashMap<>();
  final Map<String, ServiceWebhooks> serviceWebhooks = new LinkedHashMap<>();
  final Map<String, Interaction> interactions = new LinkedHashMap<>();
  final Map<String, Task> tasks = new LinkedHashMap<>();
  final Map<String, Worker> workers = new LinkedHashMap<>();
  final Map<String, Workflow> workflows = new LinkedHashMap<>();
  final Map<String, String> taskChannels = new LinkedHashMap<>();
  Workspace workspace;
  String defaultChatServiceSid;
  String defaultMessagingServiceSid;
  String defaultInactiveTimer;
  String defaultClosedTimer;
  Map<String, Object> flexConfiguration;
  Instant flexConfigurationUpdated;
  private boolean seeded;

  public SimState(PublicUrl publicUrl) {
    this.publicUrl = publicUrl;
  }

  public <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      ensureSeeded();
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  public void locked(Runnable action) {
    locked(() -> {
      action.run();
      return null;
    });
  }

  /** Empties everything and puts the sandbox defaults back. */
  public void reset() {
    lock.lock();
    try {
      conversations.clear();
      addresses.clear();
      serviceWebhooks.clear();
      interactions.clear();
      tasks.clear();
      workers.clear();
      workflows.clear();
      taskChannels.clear();
      seeded = false;
      ensureSeeded();
    } finally {
      lock.unlock();
    }
  }

  String publicBase() {
    return publicUrl.base();
  }

  private void ensureSeeded() {
    if (seeded) {
      return;
    }
    seeded = true;
    String base = publicUrl.base();
    defaultChatServiceSid = SandboxDefaults.CHAT_SERVICE_SID;
    defaultMessagingServiceSid = MESSAGING_SERVICE_SID;
    defaultInactiveTimer = null;
    defaultClosedTimer = null;
    ServiceWebhooks hooks = new ServiceWebhooks();
    hooks.preWebhookUrl = base + "/webhooks/conversations/pre-event";
    hooks.postWebhookUrl = base + "/webhooks/conversations";
    hooks.filters = new ArrayList<>(List.of("onConversationAdd", "onMessageAdd",
        "onConversationAdded", "onMessageAdded", "onParticipantAdded", "onParticipantRemoved",
        "onConversationStateUpdated", "onConversationUpdated", "onConversationRemoved"));
    serviceWebhooks.put(SandboxDefaults.CHAT_SERVICE_SID, hooks);

    workspace = new Workspace();
    workspace.sid = SandboxDefaults.WORKSPACE_SID;
    workspace.friendlyName = "Flex Task Assignment";
    workspace.eventCallbackUrl = base + "/webhooks/taskrouter";
    workspace.defaultActivitySid = "WA5a5db0c5a5db0c5a5db0c5a5db0c0001";
    workspace.timeoutActivitySid = "WA5a5db0c5a5db0c5a5db0c5a5db0c0002";

    workflow(SandboxDefaults.WORKFLOW_SID, "Assign to Anyone");
    workflow(SandboxDefaults.FALLBACK_WORKFLOW_SID, "Fallback");
    taskChannels.put("default", "TC5a5db0c5a5db0c5a5db0c5a5db0c0001");
    taskChannels.put("chat", "TC5a5db0c5a5db0c5a5db0c5a5db0c0002");
    taskChannels.put("sms", "TC5a5db0c5a5db0c5a5db0c5a5db0c0003");
    taskChannels.put("voice", "TC5a5db0c5a5db0c5a5db0c5a5db0c0004");
    taskChannels.put("email", "TC5a5db0c5a5db0c5a5db0c5a5db0c0005");

    worker("WK5a5db0c5a5db0c5a5db0c5a5db0c0001", "alice", "agent_alice", "[\"sales\",\"support\"]",
        "[\"en\",\"de\"]");
    worker("WK5a5db0c5a5db0c5a5db0c5a5db0c0002", "bob", "agent_bob", "[\"support\"]", "[\"en\"]");
    worker("WK5a5db0c5a5db0c5a5db0c5a5db0c0003", "carol", "agent_carol", "[\"sales\",\"vip\"]",
        "[\"en\",\"fr\"]");
    flexConfiguration = FlexConfigurationDefaults.configuration(this);
    flexConfigurationUpdated = Instant.now();
  }

  private void workflow(String sid, String name) {
    Workflow wf = new Workflow();
    wf.sid = sid;
    wf.friendlyName = name;
    wf.configuration = "{\"task_routing\":{\"filters\":[],\"default_filter\":{\"queue\":\""
        + DEFAULT_QUEUE_SID + "\"}}}";
    workflows.put(sid, wf);
  }

  private void worker(String sid, String name, String identity, String skills, String languages) {
    Worker w = new Worker();
    w.sid = sid;
    w.friendlyName = name;
    w.chatIdentity = identity;
    w.attributes = "{\"contact_uri\":\"client:" + identity + "\",\"full_name\":\"" + name
        + "\",\"routing\":{\"skills\":" + skills + ",\"levels\":{}},\"languages\":" + languages
        + "}";
    w.activitySid = "WA5a5db0c5a5db0c5a5db0c5a5db0c0001";
    workers.put(sid, w);
  }

  String taskChannelSid(String uniqueName) {
    return taskChannels.computeIfAbsent(uniqueName == null ? "default" : uniqueName,
        n -> Sids.next("TC"));
  }

  Conversation conversation(String sidOrUniqueName) {
    Conversation c = conversations.get(sidOrUniqueName);
    if (c != null) {
      return c;
    }
    return conversations.values().stream()
        .filter(x -> sidOrUniqueName != null && sidOrUniqueName.equals(x.uniqueName))
        .findFirst().orElse(null);
  }
}
