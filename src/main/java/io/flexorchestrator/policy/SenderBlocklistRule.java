package io.flexorchestrator.policy;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Rejects messages from blocked senders, matched on the author, the chat client identity and the
 * messaging binding address (with or without its channel prefix: {@code whatsapp:+1555…} and
 * {@code +1555…} both match), so both addresses and pseudonymous chat identities can be blocked.
 */
@Component
public class SenderBlocklistRule implements PolicyRule {

  public static final String NAME = "sender-blocklist";

  private final PolicyProperties.SenderBlocklist settings;
  private static final java.util.List<String> CHANNEL_PREFIXES =
      java.util.List.of("whatsapp:", "messenger:", "gbm:", "rcs:", "sms:");

  private final Set<String> blocked = ConcurrentHashMap.newKeySet();

  public SenderBlocklistRule(PolicyProperties properties) {
    this.settings = properties.getSenderBlocklist();
    settings.getSenders().forEach(this::block);
  }

  /** Blocks a sender from now on (in memory, this node; the configuration is the lasting list). */
  public void block(String sender) {
    if (sender != null && !sender.isBlank()) {
      blocked.add(stripPrefix(normalise(sender)));
    }
  }

  public void unblock(String sender) {
    if (sender != null && !sender.isBlank() && !settings.getSenders().contains(sender)) {
      blocked.remove(stripPrefix(normalise(sender)));
    }
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
    if (blocked.isEmpty()) {
      return RuleOutcome.accept();
    }
    if (isBlocked(event.author()) || isBlocked(event.clientIdentity())
        || isBlocked(event.bindingAddress())) {
      return RuleOutcome.reject(403, settings.getReason());
    }
    return RuleOutcome.accept();
  }

  public boolean isBlocked(String sender) {
    if (sender == null || sender.isBlank()) {
      return false;
    }
    String s = normalise(sender);
    return blocked.contains(stripPrefix(s));
  }

  private static String normalise(String s) {
    return s.trim().toLowerCase(Locale.ROOT);
  }

  /** {@code whatsapp:+1555…} → {@code +1555…}; other identities stay as they are. */
  private static String stripPrefix(String s) {
    for (String prefix : CHANNEL_PREFIXES) {
      if (s.startsWith(prefix)) {
        return s.substring(prefix.length());
      }
    }
    return s;
  }
}
