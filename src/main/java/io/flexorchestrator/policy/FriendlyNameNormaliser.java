package io.flexorchestrator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * {@code onConversationAdd}: a friendly name that carries PII (a phone number or other long digit
 * run, an e-mail address, a card number or a configured PII pattern; auto-created conversations
 * are often named after the customer's address) is replaced by a neutral one such as
 * {@code sms conversation}. Agents see the friendly name, so it must not identify the customer.
 */
@Component
public class FriendlyNameNormaliser {

  public static final String NAME = "friendly-name";

  private static final Pattern PHONE = Pattern.compile("\\+?\\d[\\d\\s().-]{5,}\\d");
  private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[^\\s@]+");

  private final PolicyProperties.FriendlyName settings;
  private final List<Pattern> pii = new ArrayList<>();

  public FriendlyNameNormaliser(PolicyProperties properties) {
    this.settings = properties.getFriendlyName();
    pii.add(PHONE);
    pii.add(EMAIL);
    pii.add(PiiMaskingRule.CARD);
    properties.getPii().getPatterns().values().forEach(regex -> pii.add(Pattern.compile(regex)));
  }

  public PolicyProperties.FriendlyName settings() {
    return settings;
  }

  /** The neutral name to use instead, or null when the name may stay. */
  public String normalise(String friendlyName, String addressType, Deadline deadline) {
    if (!settings.isEnabled() || friendlyName == null || friendlyName.isBlank()) {
      return null;
    }
    CharSequence guarded = deadline.guard(friendlyName);
    for (Pattern p : pii) {
      if (p.matcher(guarded).find()) {
        return settings.getTemplate().replace("{channel}", addressType);
      }
    }
    return null;
  }
}
