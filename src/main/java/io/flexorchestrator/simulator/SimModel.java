package io.flexorchestrator.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The emulated Twilio resources, mutable, always changed under {@link SimState}'s lock. */
final class SimModel {

  private SimModel() {}

  static final class Conversation {
    String sid;
    String chatServiceSid;
    String messagingServiceSid;
    String friendlyName;
    String uniqueName;
    String attributes = "{}";
    String state = "active";
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
    Duration inactiveTimer;
    Duration closedTimer;
    Instant dateInactive;
    Instant dateClosed;
    /** The address that auto-created it (AD…), or null. */
    String createdByAddressSid;
    String source = "API";
    final Map<String, Participant> participants = new LinkedHashMap<>();
    final List<Message> messages = new ArrayList<>();
    final Map<String, ScopedWebhook> webhooks = new LinkedHashMap<>();
    int nextIndex;

    boolean open() {
      return !"closed".equals(state);
    }
  }

  static final class Participant {
    String sid;
    String conversationSid;
    String identity;
    String attributes = "{}";
    String bindingType;
    String address;
    String proxyAddress;
    String roleSid;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class Message {
    String sid;
    String conversationSid;
    int index;
    String author;
    String body;
    String attributes = "{}";
    String participantSid;
    String contentSid;
    List<Map<String, Object>> media;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class ScopedWebhook {
    String sid;
    String conversationSid;
    String target = "webhook";
    String url;
    String method = "POST";
    List<String> filters = new ArrayList<>();
    List<String> triggers = new ArrayList<>();
    String flowSid;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class Address {
    String sid;
    String type;
    String address;
    String friendlyName;
    boolean autoCreationEnabled = true;
    String autoCreationType = "webhook";
    String conversationServiceSid;
    String webhookUrl;
    String webhookMethod = "POST";
    List<String> webhookFilters = new ArrayList<>();
    String studioFlowSid;
    Integer studioRetryCount;
    String addressCountry;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class ServiceWebhooks {
    String preWebhookUrl;
    String postWebhookUrl;
    String method = "POST";
    List<String> filters = new ArrayList<>();
  }

  static final class Interaction {
    String sid;
    String webhookTtid;
    String interactionContextSid;
    Map<String, Object> channelParam;
    Map<String, Object> routingParam;
    final Map<String, InteractionChannel> channels = new LinkedHashMap<>();
    /** The task created with the interaction (for the create answer). */
    String firstTaskSid;
  }

  static final class InteractionChannel {
    String sid;
    String interactionSid;
    String type;
    String status = "active";
    String conversationSid;
    Integer errorCode;
    String errorMessage;
    final Map<String, Invite> invites = new LinkedHashMap<>();
    final Map<String, ChannelParticipant> participants = new LinkedHashMap<>();
    final List<String> taskSids = new ArrayList<>();
  }

  static final class Invite {
    String sid;
    String interactionSid;
    String channelSid;
    Map<String, Object> routing;
    String taskSid;
  }

  static final class ChannelParticipant {
    String sid;
    String interactionSid;
    String channelSid;
    String type;
    String status = "joined";
    Map<String, Object> mediaProperties;
    Map<String, Object> routingProperties;
  }

  static final class Task {
    String sid;
    String attributes = "{}";
    String status = "pending";
    String workflowSid;
    String taskChannelUniqueName = "default";
    String taskQueueSid;
    int priority;
    int timeout = 86400;
    String reason;
    String routingTarget;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
    Instant queueEnteredDate = dateCreated;
    /** Interaction link, null for plain TaskRouter tasks. */
    String interactionSid;
    String channelSid;
    String inviteSid;
    /** The worker asked for (known agent), or null. */
    String preferredWorkerSid;
    boolean everAccepted;
    final Map<String, Reservation> reservations = new LinkedHashMap<>();

    boolean open() {
      return switch (status) {
        case "pending", "reserved", "assigned", "wrapping" -> true;
        default -> false;
      };
    }

    Reservation activeReservation() {
      return reservations.values().stream()
          .filter(r -> "pending".equals(r.status) || "accepted".equals(r.status))
          .reduce((a, b) -> b).orElse(null);
    }
  }

  static final class Reservation {
    String sid;
    String taskSid;
    String workerSid;
    String status = "pending";
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class Worker {
    String sid;
    String friendlyName;
    String attributes;
    String chatIdentity;
    boolean available = true;
    String activitySid;
    String activityName = "Available";
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class Workflow {
    String sid;
    String friendlyName;
    String configuration;
    String assignmentCallbackUrl;
    String fallbackAssignmentCallbackUrl;
    int taskReservationTimeout = 120;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }

  static final class Workspace {
    String sid;
    String friendlyName;
    String eventCallbackUrl;
    String eventsFilter;
    boolean multiTaskEnabled = true;
    String prioritizeQueueOrder = "FIFO";
    String defaultActivitySid;
    String timeoutActivitySid;
    Instant dateCreated = Instant.now();
    Instant dateUpdated = dateCreated;
  }
}
