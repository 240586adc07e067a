package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Participant;
import io.flexorchestrator.twilio.TwilioErrors;
import java.util.Optional;

/**
 * A conversation participant by identity. Read from the participant list rather than fetched with
 * the identity in place of the SID: an identity is often an email address, and twilio-java puts
 * it into the URL path unencoded, where its {@code @} breaks the request (400).
 */
final class ParticipantLookup {

  private ParticipantLookup() {}

  static Optional<Participant> find(TwilioRestClient client, String conversationSid, String identity) {
    try {
      for (Participant participant : Participant.reader(conversationSid).read(client)) {
        if (identity.equals(participant.getIdentity())) {
          return Optional.of(participant);
        }
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
