package io.flexorchestrator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.webhook.WebhookRejection;
import io.flexorchestrator.webhook.WebhookRequest;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Reads a message pre-event (Twilio's parameter names) into a {@link PreEvent}. */
@Component
public class PreEventParser {

  private final ObjectMapper mapper;

  public PreEventParser(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public PreEvent message(WebhookRequest r) {
    String author = r.param("Author");
    String addressType = AddressTypes.of(r.param("MessagingBinding.Type"), author, r.param("Source"));
    return new PreEvent(r.param("EventType"), r.param("ConversationSid"), addressType, author,
        r.param("ClientIdentity"), r.param("MessagingBinding.Address"), r.param("ParticipantSid"),
        r.param("Body"), r.param("Attributes"), media(r.param("Media")));
  }

  List<PreEvent.Media> media(String json) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (Exception e) {
      throw WebhookRejection.badRequest("Media is not valid JSON");
    }
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw WebhookRejection.badRequest("Media must be a JSON array of media objects");
    }
    List<PreEvent.Media> out = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isObject()) {
        throw WebhookRejection.badRequest("Media must be a JSON array of media objects");
      }
      JsonNode size = item.get("Size");
      long bytes;
      if (size == null || size.isNull()) {
        bytes = 0;
      } else if (size.canConvertToLong() || size.isTextual() && size.asText().matches("\\d{1,18}")) {
        bytes = size.asLong();
      } else {
        throw WebhookRejection.badRequest("Media Size must be a number of bytes");
      }
      out.add(new PreEvent.Media(text(item, "Sid"), text(item, "Filename"),
          text(item, "ContentType"), bytes, text(item, "Category")));
    }
    return out;
  }

  private static String text(JsonNode item, String field) {
    JsonNode v = item.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
