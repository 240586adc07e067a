package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import com.twilio.rest.conversations.v1.conversation.Participant;
import io.flexorchestrator.twilio.TwilioErrors;
import java.util.Optional;

/** A conversation participant by identity (the Conversations API accepts it in place of the SID). */
final class ParticipantLookup {

  private ParticipantLookup() {}

  static Optional<Participant> find(TwilioRestClient client, String conversationSid, String identity) {
    try {
      return Optional.of(Participant.fetcher(conversationSid, identity).fetch(client));
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
