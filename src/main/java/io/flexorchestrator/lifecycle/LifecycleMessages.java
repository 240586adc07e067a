package io.flexorchestrator.lifecycle;

/** The message names of {@code interaction-lifecycle} (see docs/design.md). */
public final class LifecycleMessages {

  public static final String PROCESS_KEY = "interaction-lifecycle";

  public static final String RESERVATION_ACCEPTED = "ReservationAccepted";
  public static final String RESERVATION_NOT_ACCEPTED = "ReservationNotAccepted";
  public static final String TASK_WRAPUP = "TaskWrapup";
  public static final String TASK_COMPLETED = "TaskCompleted";
  public static final String TASK_CANCELED = "TaskCanceled";
  public static final String WORKFLOW_TIMEOUT = "WorkflowTimeout";
  public static final String TASK_DELETED = "TaskDeleted";
  public static final String TASK_SYSTEM_DELETED = "TaskSystemDeleted";
  public static final String CONVERSATION_CLOSED = "ConversationClosed";
  public static final String CONVERSATION_INACTIVE = "ConversationInactive";

  // agent operations (processes transfer-interaction and park-interaction, see docs/design.md)
  public static final String TRANSFER_PROCESS_KEY = "transfer-interaction";
  public static final String PARK_PROCESS_KEY = "park-interaction";
  public static final String TRANSFER_ACCEPTED = "TransferAccepted";
  public static final String TRANSFER_FAILED = "TransferFailed";
  public static final String UNPARK_REQUESTED = "UnparkRequested";
  public static final String PARKED_CUSTOMER_MESSAGE = "ParkedCustomerMessage";
  /**
   * To every {@code transfer-interaction} and {@code park-interaction} instance of a conversation
   * (interrupting event sub-process): the conversation closed or was removed, or its lifecycle ended.
   */
  public static final String INTERACTION_ENDED = "InteractionEnded";
  /** Lifecycle variable: tasks handed over by a cold transfer or a park, whose events are ignored. */
  public static final String HANDED_OVER_TASKS = "handedOverTaskSids";
  /**
   * Lifecycle variable: the task of the last agent, who left while an invite was pending; its
   * completion is held back until an invite is accepted or the last one fails.
   */
  public static final String AGENT_LEFT_TASK = "agentLeftTaskSid";
  /** Lifecycle variable: accepted tasks of further agents (warm transfer) besides {@code taskSid}. */
  public static final String EXTRA_AGENT_TASKS = "extraAgentTaskSids";

  private LifecycleMessages() {}
}
