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

  private LifecycleMessages() {}
}
