package io.flexorchestrator.checkup;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the system checkup (the janitor), the diagnostics and the set-up checks
 * ({@code orchestrator.checkup.*}). Mutable on purpose: operators and tests may switch the orphan
 * policy or the grace periods at runtime; every sweep reads the values it starts with.
 */
@ConfigurationProperties("orchestrator.checkup")
public class CheckupProperties {

  /** What a sweep does with an orphaned conversation. */
  public enum OrphanPolicy { ROUTE, CLOSE }

  private boolean enabled = true;
  private Duration interval = Duration.ofMinutes(5);
  private OrphanPolicy orphanPolicy = OrphanPolicy.ROUTE;
  private Duration orphanGrace = Duration.ofMinutes(2);
  private Duration lifecycleGrace = Duration.ofMinutes(2);
  private Duration channelGrace = Duration.ofMinutes(10);
  private Duration channelLookback = Duration.ofHours(24);
  private String missingTaskEvent = "task.system-deleted";
  private int pageSize = 50;
  private double readsPerSecond = 25;
  private double routesPerSecond = 10;
  private int maxActionsPerRun = 200;
  private String retryCycle = "R3/PT30S";
  private Duration apiWait = Duration.ofMinutes(2);
  private Duration setupCheckRefresh = Duration.ofMinutes(1);

  public boolean isEnabled() { return enabled; }
  public void setEnabled(boolean enabled) { this.enabled = enabled; }
  public Duration getInterval() { return interval; }
  public void setInterval(Duration interval) { this.interval = interval; }
  public OrphanPolicy getOrphanPolicy() { return orphanPolicy; }
  public void setOrphanPolicy(OrphanPolicy orphanPolicy) { this.orphanPolicy = orphanPolicy; }
  public Duration getOrphanGrace() { return orphanGrace; }
  public void setOrphanGrace(Duration orphanGrace) { this.orphanGrace = orphanGrace; }
  public Duration getLifecycleGrace() { return lifecycleGrace; }
  public void setLifecycleGrace(Duration lifecycleGrace) { this.lifecycleGrace = lifecycleGrace; }
  public Duration getChannelGrace() { return channelGrace; }
  public void setChannelGrace(Duration channelGrace) { this.channelGrace = channelGrace; }
  public Duration getChannelLookback() { return channelLookback; }
  public void setChannelLookback(Duration channelLookback) { this.channelLookback = channelLookback; }
  public String getMissingTaskEvent() { return missingTaskEvent; }
  public void setMissingTaskEvent(String missingTaskEvent) { this.missingTaskEvent = missingTaskEvent; }
  public int getPageSize() { return pageSize; }
  public void setPageSize(int pageSize) { this.pageSize = Math.max(1, Math.min(pageSize, 1000)); }
  public double getReadsPerSecond() { return readsPerSecond; }
  public void setReadsPerSecond(double readsPerSecond) { this.readsPerSecond = readsPerSecond; }
  public double getRoutesPerSecond() { return routesPerSecond; }
  public void setRoutesPerSecond(double routesPerSecond) { this.routesPerSecond = routesPerSecond; }
  public int getMaxActionsPerRun() { return maxActionsPerRun; }
  public void setMaxActionsPerRun(int maxActionsPerRun) { this.maxActionsPerRun = maxActionsPerRun; }
  public String getRetryCycle() { return retryCycle; }
  public void setRetryCycle(String retryCycle) { this.retryCycle = retryCycle; }
  public Duration getApiWait() { return apiWait; }
  public void setApiWait(Duration apiWait) { this.apiWait = apiWait; }
  public Duration getSetupCheckRefresh() { return setupCheckRefresh; }
  public void setSetupCheckRefresh(Duration setupCheckRefresh) { this.setupCheckRefresh = setupCheckRefresh; }
}
