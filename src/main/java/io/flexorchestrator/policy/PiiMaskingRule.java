package io.flexorchestrator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.stereotype.Component;

/**
 * Masks payment card numbers (13 to 19 digits, spaces or dashes between them allowed, Luhn-checked
 * so that order numbers and the like stay readable) and the configured regexes (national ID
 * formats, …) in the message body, keeping only the last 4 digits: {@code 4111 1111 1111 1111} →
 * {@code **** **** **** 1111}. Only the kinds that were masked are ever reported, never the text.
 */
@Component
public class PiiMaskingRule implements PolicyRule {

  public static final String NAME = "pii-masking";

  /** A card candidate: 13–19 digits, single spaces or dashes between them, no digit around it. */
  static final Pattern CARD = Pattern.compile("(?<![\\d])\\d(?:[ -]?\\d){12,18}(?![\\d])");

  private final PolicyProperties.Pii settings;
  private final Map<String, Pattern> patterns = new LinkedHashMap<>();
  private final ObjectMapper mapper;

  public PiiMaskingRule(PolicyProperties properties, ObjectMapper mapper) {
    this.settings = properties.getPii();
    this.mapper = mapper;
    settings.getPatterns().forEach((name, regex) -> {
      try {
        patterns.put(name, Pattern.compile(regex));
      } catch (PatternSyntaxException e) {
        throw new IllegalStateException("orchestrator.policy.pii.patterns." + name
            + " is not a valid regular expression: " + e.getDescription());
      }
    });
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public PolicyProperties.Rule settings() {
    return settings;
  }

  @Override
  public RuleOutcome apply(PreEvent event, Deadline deadline) {
    String body = event.body();
    if (body == null || body.isEmpty()) {
      return RuleOutcome.accept();
    }
    Set<String> kinds = new LinkedHashSet<>();
    String masked = body;
    if (settings.isCards()) {
      String cards = maskCards(masked, deadline);
      if (!cards.equals(masked)) {
        kinds.add("card");
        masked = cards;
      }
    }
    for (Map.Entry<String, Pattern> p : patterns.entrySet()) {
      String out = maskMatches(p.getValue(), masked, deadline);
      if (!out.equals(masked)) {
        kinds.add(p.getKey());
        masked = out;
      }
    }
    if (kinds.isEmpty()) {
      return RuleOutcome.accept();
    }
    String attributes = settings.isMarkAttributes() ? mark(event.attributes(), kinds) : null;
    return RuleOutcome.modify(masked, attributes, String.join(",", kinds));
  }

  /** Every Luhn-valid card number in the text masked to its last 4 digits. */
  static String maskCards(String text, Deadline deadline) {
    if (!hasDigitRun(text)) {
      return text;
    }
    Matcher m = CARD.matcher(deadline.guard(text));
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      String candidate = text.substring(m.start(), m.end());
      if (luhn(candidate)) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, last, m.start()).append(keepLastFourDigits(candidate));
        last = m.end();
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, last, text.length()).toString();
  }

  static String maskMatches(Pattern pattern, String text, Deadline deadline) {
    Matcher m = pattern.matcher(deadline.guard(text));
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, last, m.start()).append(keepLastFourDigits(text.substring(m.start(), m.end())));
      last = m.end();
    }
    if (out == null) {
      return text;
    }
    return out.append(text, last, text.length()).toString();
  }

  /** Letters and digits become {@code *}, except the last 4 digits; separators stay. */
  static String keepLastFourDigits(String s) {
    char[] chars = s.toCharArray();
    int keep = 4;
    for (int i = chars.length - 1; i >= 0; i--) {
      char c = chars[i];
      if (Character.isDigit(c) && keep > 0) {
        keep--;
      } else if (Character.isLetterOrDigit(c)) {
        chars[i] = '*';
      }
    }
    return new String(chars);
  }

  static boolean luhn(String candidate) {
    int sum = 0;
    int digits = 0;
    boolean twice = false;
    for (int i = candidate.length() - 1; i >= 0; i--) {
      char c = candidate.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      digits++;
      twice = !twice;
    }
    return digits >= 13 && digits <= 19 && sum % 10 == 0;
  }

  /** Cheap pre-check: a card needs at least 13 digits in the text. */
  private static boolean hasDigitRun(String text) {
    int digits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9' && ++digits >= 13) {
        return true;
      }
    }
    return false;
  }

  /** The attributes with {@code "policy":{"masked":[kinds]}} added, or null when not a JSON object. */
  private String mark(String attributes, Set<String> kinds) {
    try {
      JsonNode node = attributes == null || attributes.isBlank()
          ? mapper.createObjectNode() : mapper.readTree(attributes);
      if (!(node instanceof ObjectNode object)) {
        return null;
      }
      JsonNode existing = object.get("policy");
      ObjectNode policy = existing instanceof ObjectNode o ? o : object.putObject("policy");
      ArrayNode list = policy.putArray("masked");
      List<String> sorted = new ArrayList<>(kinds);
      sorted.forEach(list::add);
      return mapper.writeValueAsString(object);
    } catch (Exception e) {
      return null;
    }
  }
}
