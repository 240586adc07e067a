package io.flexorchestrator.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orchestrator.security.*}: the operator and viewer groups, the per-client throttle of
 * failed logins, the per-client request limit, the body read deadline and the web-app session
 * limits (README "Production").
 */
@ConfigurationProperties("orchestrator.security")
public record SecurityProperties(
    @DefaultValue("flex-operators") String operatorGroup,
    @DefaultValue("flex-viewers") String viewerGroup,
    @DefaultValue LoginThrottleSettings loginThrottle,
    @DefaultValue("100") int maxRequestsPerClient,
    @DefaultValue("PT5S") Duration bodyReadTimeout,
    @DefaultValue SessionSettings sessions) {

  /** Failed logins a client address may make before it waits (doubling), and how long it waits. */
  public record LoginThrottleSettings(
      @DefaultValue("10") int freeFailures,
      @DefaultValue("PT15M") Duration window,
      @DefaultValue("PT1S") Duration firstBlock,
      @DefaultValue("PT15M") Duration maxBlock,
      @DefaultValue("10000") int maxClients) {}

  /** Web-app sessions: short and capped until login, capped after. */
  public record SessionSettings(
      @DefaultValue("PT5M") Duration anonymousTimeout,
      @DefaultValue("1000") int maxAnonymous,
      @DefaultValue("500") int maxAuthenticated) {}
}
