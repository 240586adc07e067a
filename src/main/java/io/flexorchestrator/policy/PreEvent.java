package io.flexorchestrator.policy;

import java.util.List;

/**
 * A message about to be added or updated, as the rules see it: who sends it, on which address
 * type, its body, attributes (JSON text) and media. Never logged as a whole.
 */
public record PreEvent(
    String eventType, String conversationSid, String addressType, String author,
    String clientIdentity, String bindingAddress, String participantSid, String body,
    String attributes, List<Media> media) {

  /** One item of the {@code Media} parameter as Twilio sends it. */
  public record Media(String sid, String filename, String contentType, long size, String category) {}

  public PreEvent withBody(String newBody) {
    return new PreEvent(eventType, conversationSid, addressType, author, clientIdentity,
        bindingAddress, participantSid, newBody, attributes, media);
  }

  public PreEvent withAttributes(String newAttributes) {
    return new PreEvent(eventType, conversationSid, addressType, author, clientIdentity,
        bindingAddress, participantSid, body, newAttributes, media);
  }
}
