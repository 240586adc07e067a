package io.flexorchestrator.routing;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The texts the orchestrator sends to customers, by key (greeting, out-of-hours, workflow-timeout,
 * closing, task-canceled), with an optional per-channel override ({@code key.channelType}). An
 * empty text means: send nothing.
 */
@ConfigurationProperties("orchestrator.messages")
public record MessageTexts(String author, Map<String, String> texts) {

  public MessageTexts {
    author = author == null || author.isBlank() ? "system" : author;
    texts = texts == null ? Map.of() : texts;
  }

  public String text(String key, String channelType) {
    String specific = channelType == null ? null : texts.get(key + "." + channelType);
    String text = specific != null ? specific : texts.get(key);
    return text == null || text.isBlank() ? null : text;
  }
}
