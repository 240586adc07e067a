package io.flexorchestrator.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs the rule chain of a message's address type, in order, each rule on what the previous ones
 * left: a rejection ends the chain, modifications accumulate. Every rule has a time budget (and
 * the chain one in all); a rule that throws or overruns it has failed, and its fail mode decides:
 * open = the message goes on as the rule found it, closed = rejected. Twilio publishes unchanged
 * after 5 s, so the budgets keep the answer far inside that.
 */
@Component
public class PolicyChain {

  private static final Logger log = LoggerFactory.getLogger(PolicyChain.class);
  static final String UNCHECKED_REASON = "The message could not be checked. Please try again later.";

  private final PolicyProperties properties;
  private final Map<String, PolicyRule> rules = new LinkedHashMap<>();
  private final PolicyMetrics metrics;
  private final RecentRejections rejections;

  public PolicyChain(PolicyProperties properties, List<PolicyRule> rules, PolicyMetrics metrics,
      RecentRejections rejections) {
    this.properties = properties;
    this.metrics = metrics;
    this.rejections = rejections;
    rules.forEach(rule -> this.rules.put(rule.name(), rule));
    properties.getChains().forEach((type, chain) -> {
      if (!"default".equals(type) && AddressTypes.canonical(type) == null) {
        throw new IllegalStateException("orchestrator.policy.chains." + type
            + ": unknown address type; known are default and " + AddressTypes.KNOWN);
      }
      for (String name : chain) {
        if (!this.rules.containsKey(name)) {
          throw new IllegalStateException("orchestrator.policy.chains." + type + ": unknown rule "
              + name + "; known are " + this.rules.keySet());
        }
      }
    });
  }

  public boolean inChain(String addressType, String rule) {
    return chainOf(addressType).contains(rule);
  }

  private List<String> chainOf(String addressType) {
    List<String> chain = properties.getChains().get(addressType);
    if (chain == null && "web".equals(addressType)) {
      chain = properties.getChains().get("chat");
    }
    return chain != null ? chain : properties.chainFor(addressType);
  }

  public PolicyResult evaluate(PreEvent event) {
    long start = System.nanoTime();
    long chainEnd = start + properties.getTotalBudget().toNanos();
    PreEvent current = event;
    boolean bodyChanged = false;
    boolean attributesChanged = false;
    String channel = event.addressType();
    for (String name : chainOf(channel)) {
      PolicyRule rule = rules.get(name);
      PolicyProperties.Rule settings = rule.settings();
      long ruleStart = System.nanoTime();
      long budget = Math.min(settings.getBudget().toNanos(), chainEnd - ruleStart);
      RuleOutcome outcome;
      String failure = null;
      if (budget <= 0) {
        outcome = null;
        failure = "no time left in the chain budget";
      } else {
        try {
          outcome = rule.apply(current, Deadline.in(budget));
          if (System.nanoTime() - ruleStart > budget) {
            failure = "over its time budget";
          }
        } catch (Deadline.Exceeded e) {
          outcome = null;
          failure = "over its time budget";
        } catch (RuntimeException e) {
          outcome = null;
          failure = "failed with " + e.getClass().getSimpleName();
        }
      }
      if (failure != null) {
        boolean closed = settings.getFailMode() == PolicyProperties.FailMode.CLOSED;
        metrics.decision(name, closed ? "error-closed" : "error-open", channel);
        log.warn("pre-event rule {} {} for conversation {} ({}): {}", name, failure,
            event.conversationSid(), channel, closed ? "fail-closed, rejected" : "fail-open, skipped");
        if (closed) {
          return reject(event, name, 422, UNCHECKED_REASON);
        }
        continue;
      }
      switch (outcome.decision()) {
        case ACCEPT -> metrics.decision(name, "accept", channel);
        case MODIFY -> {
          metrics.decision(name, "modify", channel);
          if (outcome.body() != null && !outcome.body().equals(current.body())) {
            current = current.withBody(outcome.body());
            bodyChanged = true;
          }
          if (outcome.attributes() != null && !outcome.attributes().equals(current.attributes())) {
            current = current.withAttributes(outcome.attributes());
            attributesChanged = true;
          }
        }
        case REJECT -> {
          metrics.decision(name, "reject", channel);
          return reject(event, name, outcome.status(), outcome.reason());
        }
        default -> throw new IllegalStateException();
      }
    }
    if (bodyChanged || attributesChanged) {
      return PolicyResult.modified(bodyChanged ? current.body() : null,
          attributesChanged ? current.attributes() : null);
    }
    return PolicyResult.accepted();
  }

  PolicyResult reject(PreEvent event, String rule, int status, String reason) {
    int code = status >= 400 && status < 500 ? status : 422;
    rejections.record(new RecentRejections.Rejection(Instant.now(), event.conversationSid(),
        event.eventType(), event.addressType(), rule, code, reason));
    return PolicyResult.rejected(rule, code, reason);
  }
}
