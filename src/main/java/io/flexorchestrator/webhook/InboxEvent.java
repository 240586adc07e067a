package io.flexorchestrator.webhook;

import java.util.List;
import java.util.Map;

/**
 * A webhook event the lifecycle acts on, as stored in the inbox: its source, type, the
 * conversation it belongs to, the identities that make a repeat a duplicate, and the parameters the
 * lifecycle needs (never a message body).
 */
public record InboxEvent(
    Long id, Source source, String eventType, String conversationSid, String taskSid,
    List<String> dedupeKeys, Map<String, String> params, int attempts) {

  public enum Source { CONVERSATIONS, TASKROUTER }

  public String param(String name) {
    return params.get(name);
  }

  public InboxEvent withId(long newId, int newAttempts) {
    return new InboxEvent(newId, source, eventType, conversationSid, taskSid, dedupeKeys, params,
        newAttempts);
  }
}
