package io.flexorchestrator.operations;

/** A 409 of the agent operations API that names the conversation the customer is already in. */
public class OperationConflict extends RuntimeException {

  private final String conversationSid;

  public OperationConflict(String message, String conversationSid) {
    super(message, null, false, false);
    this.conversationSid = conversationSid;
  }

  public String conversationSid() {
    return conversationSid;
  }
}
