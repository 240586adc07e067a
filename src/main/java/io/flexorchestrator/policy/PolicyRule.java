package io.flexorchestrator.policy;

/**
 * One rule of the pre-event chain. Rules run on the request thread and must not block: they work
 * on the event and on in-memory state only (the Flex channel configuration is cached), and check
 * the {@link Deadline} in loops; regex matching goes through {@link Deadline#guard} so that even a
 * pathological pattern stops at the budget.
 */
public interface PolicyRule {

  /** The name used in chains, metrics and rejection records, e.g. {@code pii-masking}. */
  String name();

  PolicyProperties.Rule settings();

  RuleOutcome apply(PreEvent event, Deadline deadline);
}
