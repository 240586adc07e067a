package io.flexorchestrator.policy;

import com.twilio.rest.flexapi.v1.Configuration;
import io.flexorchestrator.twilio.TwilioGateway;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The attachment rules per address type from the Flex {@code Configuration}'s
 * {@code channel_configs}, read once the server listens (in the sandbox the simulator answers from
 * the same app) and then periodically; Twilio's published limits fill in what cannot be read.
 * Lookups are in memory, so the pre-event path never waits for Twilio.
 */
@Component
public class ChannelConfigCache {

  private static final Logger log = LoggerFactory.getLogger(ChannelConfigCache.class);

  /** What the cache holds now and where it came from. */
  public record Snapshot(Map<String, CbmAttachments> byType, String source, Instant readAt,
      String lastError) {}

  private final TwilioGateway gateway;
  private final PolicyProperties.ChannelConfigs settings;
  private volatile Snapshot current =
      new Snapshot(ChannelConfigDefaults.DEFAULTS, "defaults", null, null);
  private volatile ScheduledExecutorService scheduler;

  public ChannelConfigCache(TwilioGateway gateway, PolicyProperties properties) {
    this.gateway = gateway;
    this.settings = properties.getChannelConfigs();
  }

  @EventListener(ApplicationReadyEvent.class)
  public void start() {
    if (!settings.isReadOnStartup() || scheduler != null) {
      return;
    }
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flex-channel-configs");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(1000, settings.getRefreshInterval().toMillis());
    s.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.MILLISECONDS);
    scheduler = s;
  }

  @PreDestroy
  public void stop() {
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      s.shutdownNow();
    }
  }

  public Snapshot snapshot() {
    return current;
  }

  /** The attachment rules of an address type, if Flex or Twilio's defaults know it. */
  public Optional<CbmAttachments> forType(String addressType) {
    return Optional.ofNullable(current.byType().get(addressType));
  }

  /** Address types that can be viewed and changed: the defaults' and whatever Flex lists. */
  public List<String> addressTypes() {
    return new ArrayList<>(new TreeSet<>(current.byType().keySet()));
  }

  void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      String error = e.getClass().getSimpleName() + ": " + e.getMessage();
      Snapshot s = current;
      current = new Snapshot(s.byType(), s.source(), s.readAt(), error);
      log.warn("Flex channel_configs could not be read, keeping the {} attachment rules: {}",
          s.source(), error);
    }
  }

  /** Reads the Flex configuration now. */
  public synchronized Snapshot refresh() {
    Configuration configuration = Configuration.fetcher().fetch(gateway.client());
    return install(configuration.getChannelConfigs(), "flex");
  }

  /**
   * Changes one address type's {@code cbm_attachments} in Flex (a POST of the whole
   * {@code channel_configs} with {@code account_sid}, JSON, as Flex takes it) and in the cache,
   * so that it takes effect at once.
   */
  public synchronized CbmAttachments update(String addressType, CbmAttachments attachments) {
    Configuration before = Configuration.fetcher().fetch(gateway.client());
    List<Object> configs = new ArrayList<>();
    boolean replaced = false;
    if (before.getChannelConfigs() != null) {
      for (Object entry : before.getChannelConfigs()) {
        if (entry instanceof Map<?, ?> map && addressType.equals(typeOf(map))) {
          Map<String, Object> copy = new LinkedHashMap<>();
          map.forEach((k, v) -> copy.put(String.valueOf(k), v));
          copy.put("cbm_attachments", attachments.toFlex());
          configs.add(copy);
          replaced = true;
        } else {
          configs.add(entry);
        }
      }
    }
    if (!replaced) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("address_type", addressType);
      entry.put("cbm_attachments", attachments.toFlex());
      configs.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("account_sid", gateway.accountSid());
    body.put("channel_configs", configs);
    Configuration after = Configuration.updater().setBody(body).update(gateway.client());
    List<Object> written = after.getChannelConfigs() != null ? after.getChannelConfigs() : configs;
    Snapshot s = install(written, "flex");
    log.info("Flex channel_configs: cbm_attachments of {} changed", addressType);
    return s.byType().getOrDefault(addressType, attachments);
  }

  private Snapshot install(List<Object> channelConfigs, String source) {
    Map<String, CbmAttachments> merged = new LinkedHashMap<>(ChannelConfigDefaults.DEFAULTS);
    if (channelConfigs != null) {
      for (Object entry : channelConfigs) {
        if (entry instanceof Map<?, ?> map) {
          String type = typeOf(map);
          if (type != null) {
            CbmAttachments fallback = ChannelConfigDefaults.DEFAULTS.getOrDefault(type,
                ChannelConfigDefaults.DEFAULTS.get("web"));
            merged.put(type, CbmAttachments.fromFlex(map.get("cbm_attachments"), fallback));
          }
        }
      }
    }
    Snapshot s = new Snapshot(Map.copyOf(merged), source, Instant.now(), null);
    current = s;
    return s;
  }

  private static String typeOf(Map<?, ?> entry) {
    Object type = entry.get("address_type");
    return type == null ? null : type.toString().trim().toLowerCase(java.util.Locale.ROOT);
  }
}
