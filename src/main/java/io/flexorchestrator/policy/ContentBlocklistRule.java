package io.flexorchestrator.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.stereotype.Component;

/**
 * Blocked words (whole words, any case) and regexes in the body: the message is rejected, or the
 * matches are masked with {@code *}, as configured. The reason never repeats what matched.
 */
@Component
public class ContentBlocklistRule implements PolicyRule {

  public static final String NAME = "content-blocklist";

  private final PolicyProperties.ContentBlocklist settings;
  private final Pattern pattern;

  public ContentBlocklistRule(PolicyProperties properties) {
    this.settings = properties.getContentBlocklist();
    List<String> alternatives = new ArrayList<>();
    for (String word : settings.getWords()) {
      if (word != null && !word.isBlank()) {
        alternatives.add("(?<![\\p{L}\\p{N}_])" + Pattern.quote(word.trim()) + "(?![\\p{L}\\p{N}_])");
      }
    }
    for (String regex : settings.getPatterns()) {
      if (regex != null && !regex.isBlank()) {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new IllegalStateException("orchestrator.policy.content-blocklist.patterns has an"
              + " invalid regular expression: " + e.getDescription());
        }
        alternatives.add("(?:" + regex + ")");
      }
    }
    this.pattern = alternatives.isEmpty() ? null : Pattern.compile(String.join("|", alternatives),
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
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
    if (pattern == null || body == null || body.isEmpty()) {
      return RuleOutcome.accept();
    }
    Matcher m = pattern.matcher(deadline.guard(body));
    if (settings.getAction() == PolicyProperties.ContentBlocklist.Action.REJECT) {
      return m.find() ? RuleOutcome.reject(422, settings.getReason()) : RuleOutcome.accept();
    }
    StringBuilder out = null;
    int last = 0;
    while (m.find()) {
      if (m.end() == m.start()) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(body.length());
      }
      out.append(body, last, m.start()).append("*".repeat(m.end() - m.start()));
      last = m.end();
    }
    if (out == null) {
      return RuleOutcome.accept();
    }
    return RuleOutcome.modify(out.append(body, last, body.length()).toString(), null, "masked");
  }
}
