package io.flexorchestrator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.policy.PolicyProperties.FailMode;
import io.flexorchestrator.policy.RuleOutcome.Decision;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chain: order, accumulation, rejection, budgets and fail modes, metrics and records. */
class PolicyChainTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final PolicyProperties properties = new PolicyProperties();
  RecentRejections rejections;

  /** A rule that does what it is told. */
  static final class Scripted implements PolicyRule {
    final String name;
    final PolicyProperties.Rule settings;
    final java.util.function.Function<PreEvent, RuleOutcome> behaviour;
    final List<String> seenBodies = new ArrayList<>();

    Scripted(String name, FailMode mode, Duration budget,
        java.util.function.Function<PreEvent, RuleOutcome> behaviour) {
      this.name = name;
      this.settings = new PolicyProperties.Rule(mode, budget);
      this.behaviour = behaviour;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public PolicyProperties.Rule settings() {
      return settings;
    }

    @Override
    public RuleOutcome apply(PreEvent event, Deadline deadline) {
      seenBodies.add(event.body());
      return behaviour.apply(event);
    }
  }

  PolicyChain chain(Map<String, List<String>> chains, PolicyRule... rules) {
    properties.setChains(chains);
    rejections = new RecentRejections(properties);
    return new PolicyChain(properties, List.of(rules), new PolicyMetrics(registry), rejections);
  }

  double count(String rule, String decision) {
    var c = registry.find("orchestrator.policy.decisions").tag("rule", rule).tag("decision", decision)
        .counter();
    return c == null ? 0 : c.count();
  }

  static PreEvent event(String body) {
    return PolicyRulesTest.message(body);
  }

  static RuleOutcome sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return RuleOutcome.accept();
  }

  @Test
  void rulesRunInOrderOnWhatTheEarlierOnesLeft() {
    Scripted upper = new Scripted("upper", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.modify(e.body().toUpperCase(), null, null));
    Scripted attrs = new Scripted("attrs", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.modify(null, "{\"x\":1}", null));
    Scripted accept = new Scripted("accept", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.accept());
    PolicyChain chain = chain(Map.of("default", List.of("upper", "attrs", "accept")), upper, attrs, accept);
    PolicyResult r = chain.evaluate(event("hi"));
    assertThat(r.decision()).isEqualTo(Decision.MODIFY);
    assertThat(r.body()).isEqualTo("HI");
    assertThat(r.attributes()).isEqualTo("{\"x\":1}");
    assertThat(accept.seenBodies).containsExactly("HI");
    assertThat(count("upper", "modify")).isEqualTo(1);
    assertThat(count("accept", "accept")).isEqualTo(1);
  }

  @Test
  void unchangedMessagesAreAcceptedAsTheyAre() {
    Scripted same = new Scripted("same", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.modify(e.body(), null, null));
    PolicyResult r = chain(Map.of("default", List.of("same")), same).evaluate(event("hi"));
    assertThat(r.decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void aRejectionEndsTheChainAndIsRecordedWithoutContent() {
    Scripted no = new Scripted("no", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.reject(403, "not from you"));
    Scripted after = new Scripted("after", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.accept());
    PolicyChain chain = chain(Map.of("default", List.of("no", "after")), no, after);
    PolicyResult r = chain.evaluate(event("secret text"));
    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.rule()).isEqualTo("no");
    assertThat(after.seenBodies).isEmpty();
    assertThat(rejections.list()).singleElement().satisfies(rej -> {
      assertThat(rej.rule()).isEqualTo("no");
      assertThat(rej.conversationSid()).isEqualTo("CH00000000000000000000000000000001");
      assertThat(rej.toString()).doesNotContain("secret");
    });
    assertThat(count("no", "reject")).isEqualTo(1);
  }

  @Test
  void aFailingRuleIsSkippedWhenFailOpenAndRejectsWhenFailClosed() {
    Scripted boom = new Scripted("boom", FailMode.OPEN, Duration.ofMillis(100), e -> {
      throw new IllegalStateException("bug");
    });
    Scripted mask = new Scripted("mask", FailMode.OPEN, Duration.ofMillis(100),
        e -> RuleOutcome.modify("masked", null, null));
    PolicyResult open = chain(Map.of("default", List.of("boom", "mask")), boom, mask)
        .evaluate(event("hi"));
    assertThat(open.decision()).isEqualTo(Decision.MODIFY);
    assertThat(count("boom", "error-open")).isEqualTo(1);

    Scripted boomClosed = new Scripted("boom", FailMode.CLOSED, Duration.ofMillis(100), e -> {
      throw new IllegalStateException("bug");
    });
    PolicyResult closed = chain(Map.of("default", List.of("boom", "mask")), boomClosed, mask)
        .evaluate(event("hi"));
    assertThat(closed.decision()).isEqualTo(Decision.REJECT);
    assertThat(closed.status()).isEqualTo(422);
    assertThat(closed.reason()).isEqualTo(PolicyChain.UNCHECKED_REASON);
    assertThat(count("boom", "error-closed")).isEqualTo(1);
  }

  @Test
  void aRuleOverItsBudgetCountsAsFailed() {
    Scripted slowOpen = new Scripted("slow", FailMode.OPEN, Duration.ofMillis(5),
        e -> {
          sleep(30);
          return RuleOutcome.modify("late", null, null);
        });
    PolicyResult r = chain(Map.of("default", List.of("slow")), slowOpen).evaluate(event("hi"));
    assertThat(r.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(count("slow", "error-open")).isEqualTo(1);

    Scripted slowClosed = new Scripted("slow", FailMode.CLOSED, Duration.ofMillis(5), e -> sleep(30));
    assertThat(chain(Map.of("default", List.of("slow")), slowClosed).evaluate(event("hi")).decision())
        .isEqualTo(Decision.REJECT);
  }

  @Test
  void theChainBudgetBoundsTheWholeAnswer() {
    properties.setTotalBudget(Duration.ofMillis(20));
    Scripted slow = new Scripted("slow", FailMode.OPEN, Duration.ofMillis(500), e -> sleep(40));
    Scripted last = new Scripted("last", FailMode.CLOSED, Duration.ofMillis(500),
        e -> RuleOutcome.accept());
    PolicyResult r = chain(Map.of("default", List.of("slow", "last")), slow, last).evaluate(event("hi"));
    // slow overran the chain budget (fail-open), nothing is left for last (fail-closed)
    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(last.seenBodies).isEmpty();
  }

  @Test
  void eachAddressTypeHasItsOwnChain() {
    Scripted a = new Scripted("a", FailMode.OPEN, Duration.ofMillis(100), e -> RuleOutcome.reject(422, "a"));
    Scripted b = new Scripted("b", FailMode.OPEN, Duration.ofMillis(100), e -> RuleOutcome.accept());
    PolicyChain chain = chain(Map.of("default", List.of("a"), "chat", List.of("b")), a, b);
    assertThat(chain.evaluate(event("x")).decision()).isEqualTo(Decision.REJECT);
    PreEvent web = PolicyRulesTest.message("web", "jane", "x", List.of());
    assertThat(chain.evaluate(web).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void unknownRulesOrAddressTypesInTheConfigurationStopTheStart() {
    Scripted a = new Scripted("a", FailMode.OPEN, Duration.ofMillis(100), e -> RuleOutcome.accept());
    assertThatThrownBy(() -> chain(Map.of("default", List.of("nope")), a))
        .hasMessageContaining("unknown rule nope");
    assertThatThrownBy(() -> chain(Map.of("fax", List.of("a")), a))
        .hasMessageContaining("unknown address type");
  }

  @Test
  void theDefaultRulesTogetherMaskAndReject() {
    PolicyProperties p = properties;
    p.getSenderBlocklist().setSenders(List.of("+15559990000"));
    ObjectMapper mapper = new ObjectMapper();
    ChannelConfigCache cache = new ChannelConfigCache(null, p);
    PolicyChain chain = chain(Map.of(), new SenderBlocklistRule(p), new ContentBlocklistRule(p),
        new PiiMaskingRule(p, mapper), new AttachmentRule(p, cache));
    PolicyResult masked = chain.evaluate(event("card 4111-1111-1111-1111"));
    assertThat(masked.body()).isEqualTo("card ****-****-****-1111");
    assertThat(chain.evaluate(event("hello")).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(chain.evaluate(PolicyRulesTest.message("sms", "+15559990000", "hi", List.of()))
        .status()).isEqualTo(403);
  }
}
