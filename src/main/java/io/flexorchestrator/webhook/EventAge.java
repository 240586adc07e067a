package io.flexorchestrator.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Refuses events older than the inbox retention ({@code orchestrator.lifecycle.inbox-retention}),
 * judged by the event's own signed time (TaskRouter {@code Timestamp}, Conversations
 * {@code DateCreated} of a message, {@code DateUpdated} of a state change). Dedupe keys live as
 * long as that retention, so a captured delivery replayed after its keys were purged is refused
 * here instead of being applied again (410). A time that cannot be read is not held against the
 * event: Twilio's own deliveries always carry one, and a replay cannot change a signed parameter.
 */
@Component
public class EventAge {

  private final Duration retention;
  private final Clock clock;

  @Autowired
  public EventAge(@Value("${orchestrator.lifecycle.inbox-retention:P7D}") Duration retention) {
    this(retention, Clock.systemUTC());
  }

  EventAge(Duration retention, Clock clock) {
    this.retention = retention;
    this.clock = clock;
  }

  /** Throws a 410 rejection when the event happened before the retention window. */
  public void check(Optional<Instant> happened, String eventType) {
    if (happened.isEmpty()) {
      return;
    }
    Instant oldest = clock.instant().minus(retention);
    if (happened.get().isBefore(oldest)) {
      throw new WebhookRejection(410, eventType + " of " + happened.get() + " is older than the"
          + " inbox retention (" + retention + "): refused as a replay");
    }
  }

  /** Epoch seconds (TaskRouter {@code Timestamp}) or milliseconds ({@code TimestampMs}). */
  static Optional<Instant> epoch(String seconds, String millis) {
    try {
      if (seconds != null && !seconds.isBlank()) {
        return Optional.of(Instant.ofEpochMilli((long) (Double.parseDouble(seconds.trim()) * 1000)));
      }
      if (millis != null && !millis.isBlank()) {
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(millis.trim())));
      }
    } catch (NumberFormatException | java.time.DateTimeException e) {
      // unreadable: not held against the event
    }
    return Optional.empty();
  }

  /** The first readable ISO 8601 (or RFC 1123) date among the values. */
  static Optional<Instant> date(String... values) {
    for (String value : values) {
      if (value == null || value.isBlank()) {
        continue;
      }
      try {
        return Optional.of(OffsetDateTime.parse(value.trim()).toInstant());
      } catch (DateTimeParseException notIso) {
        try {
          return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException unreadable) {
          // next one
        }
      }
    }
    return Optional.empty();
  }
}
