package io.flexorchestrator.delegate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.taskrouter.v1.workspace.Worker;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.twilio.TwilioErrors;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A worker's chat identity, as Flex derives it: the worker's {@code contact_uri} attribute
 * ({@code client:agent_alice} → {@code agent_alice}). Used by the taskrouter mode, where the
 * orchestrator and not the Flex UI adds the agent to the conversation.
 */
@Component
public class AgentIdentity {

  private static final String CLIENT_PREFIX = "client:";

  private final FlexProperties flex;
  private final ObjectMapper mapper;

  public AgentIdentity(FlexProperties flex, ObjectMapper mapper) {
    this.flex = flex;
    this.mapper = mapper;
  }

  /** The worker's {@code contact_uri}, or empty when the worker or the attribute is missing. */
  public Optional<String> contactUri(TwilioRestClient client, String workerSid) {
    if (workerSid == null || workerSid.isBlank()) {
      return Optional.empty();
    }
    Worker worker;
    try {
      worker = Worker.fetcher(flex.workspaceSid(), workerSid).fetch(client);
    } catch (RuntimeException e) {
      if (TwilioErrors.isNotFound(e)) {
        return Optional.empty();
      }
      throw e;
    }
    try {
      JsonNode attributes = mapper.readTree(worker.getAttributes() == null ? "{}" : worker.getAttributes());
      JsonNode uri = attributes.get("contact_uri");
      return uri != null && uri.isTextual() && !uri.asText().isBlank()
          ? Optional.of(uri.asText()) : Optional.empty();
    } catch (Exception notJson) {
      return Optional.empty();
    }
  }

  /** The chat identity of the worker, or empty when it cannot be told. */
  public Optional<String> chatIdentity(TwilioRestClient client, String workerSid) {
    return contactUri(client, workerSid).map(AgentIdentity::identityOf);
  }

  static String identityOf(String contactUri) {
    return contactUri.startsWith(CLIENT_PREFIX) ? contactUri.substring(CLIENT_PREFIX.length()) : contactUri;
  }
}
