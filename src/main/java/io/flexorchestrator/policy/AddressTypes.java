package io.flexorchestrator.policy;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Flex address type of a pre-event (the key of {@code channel_configs} and of the rule
 * chains): {@code MessagingBinding.Type} when Twilio sends it, else the author's address prefix,
 * else the message {@code Source}.
 */
public final class AddressTypes {

  /** The address types of Flex's channel_configs this app knows. */
  public static final Set<String> KNOWN =
      Set.of("web", "sms", "whatsapp", "messenger", "gbm", "email", "api");

  private static final Map<String, String> ALIASES = Map.of(
      "chat", "web", "webchat", "web", "sdk", "web", "mms", "sms", "facebook", "messenger");

  private AddressTypes() {}

  /** A configured or requested name in canonical form ({@code chat} → {@code web}), or null. */
  public static String canonical(String name) {
    if (name == null) {
      return null;
    }
    String lower = name.trim().toLowerCase(Locale.ROOT);
    String type = ALIASES.getOrDefault(lower, lower);
    return KNOWN.contains(type) ? type : null;
  }

  public static String of(String bindingType, String author, String source) {
    String fromBinding = canonical(bindingType);
    if (fromBinding != null) {
      return fromBinding;
    }
    if (author != null) {
      int colon = author.indexOf(':');
      if (colon > 0 && colon < 12) {
        String prefixed = canonical(author.substring(0, colon));
        if (prefixed != null) {
          return prefixed;
        }
      }
    }
    if (source != null) {
      switch (source.toUpperCase(Locale.ROOT)) {
        case "SMS", "MMS":
          return "sms";
        case "WHATSAPP":
          return "whatsapp";
        case "MESSENGER", "FACEBOOK":
          return "messenger";
        case "GBM":
          return "gbm";
        case "EMAIL":
          return "email";
        case "SDK":
          return "web";
        case "API":
          return "api";
        default:
          break;
      }
    }
    return "web";
  }
}
