package io.flexorchestrator.routing;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Per-channel lifecycle settings (close timers, long-lived, pre-agent replies) and business hours,
 * the inputs the lifecycle and the routing DMN need beside the conversation itself.
 */
@ConfigurationProperties("orchestrator.routing")
public record RoutingSettings(
    Map<String, Channel> channels, Set<String> longLivedAddresses, BusinessHours businessHours,
    int maxRerouteAttempts) {

  /** Twilio's minimums for the conversation state timers. */
  public static final Duration MIN_INACTIVE = Duration.ofMinutes(1);
  public static final Duration MIN_CLOSED = Duration.ofMinutes(10);

  public RoutingSettings {
    channels = channels == null ? Map.of() : channels;
    longLivedAddresses = longLivedAddresses == null ? Set.of() : longLivedAddresses;
    businessHours = businessHours == null ? new BusinessHours(null, null, null, null) : businessHours;
    maxRerouteAttempts = maxRerouteAttempts < 0 ? 0 : maxRerouteAttempts;
  }

  /** The settings of a channel type (sms, whatsapp, chat, …), falling back to {@code default}. */
  public Channel channel(String channelType) {
    Channel specific = channelType == null ? null : channels.get(channelType);
    Channel fallback = channels.getOrDefault("default", Channel.DEFAULT);
    return specific == null ? fallback : specific.orElse(fallback);
  }

  /**
   * Long-lived by channel type, or by the business address: a configured {@code +1555…} covers
   * that number on every channel ({@code whatsapp:+1555…} too); a configured
   * {@code whatsapp:+1555…} only that channel.
   */
  public boolean isLongLived(String channelType, String proxyAddress) {
    return (proxyAddress != null && (longLivedAddresses.contains(proxyAddress)
        || longLivedAddresses.contains(withoutChannelPrefix(proxyAddress))))
        || Boolean.TRUE.equals(channel(channelType).longLived());
  }

  private static String withoutChannelPrefix(String address) {
    int colon = address.indexOf(':');
    return colon > 0 ? address.substring(colon + 1) : address;
  }

  public record Channel(Boolean longLived, Duration inactiveAfter, Duration closedAfter,
      Boolean greeting, Boolean outOfHoursReply) {

    static final Channel DEFAULT = new Channel(false, Duration.ofMinutes(30), Duration.ofHours(24),
        false, false);

    Channel orElse(Channel other) {
      return new Channel(longLived != null ? longLived : other.longLived,
          inactiveAfter != null ? inactiveAfter : other.inactiveAfter,
          closedAfter != null ? closedAfter : other.closedAfter,
          greeting != null ? greeting : other.greeting,
          outOfHoursReply != null ? outOfHoursReply : other.outOfHoursReply);
    }

    /** The inactive timer, never below Twilio's one-minute minimum. */
    public Duration inactiveTimer() {
      return inactiveAfter == null ? null : max(inactiveAfter, MIN_INACTIVE);
    }

    /** The closed timer, never below Twilio's ten-minute minimum. */
    public Duration closedTimer() {
      return closedAfter == null ? null : max(closedAfter, MIN_CLOSED);
    }

    private static Duration max(Duration a, Duration b) {
      return a.compareTo(b) >= 0 ? a : b;
    }
  }

  public record BusinessHours(ZoneId zone, List<DayOfWeek> days, LocalTime open, LocalTime close) {
    public BusinessHours {
      zone = zone == null ? ZoneId.of("UTC") : zone;
      days = days == null || days.isEmpty() ? List.of(DayOfWeek.values()) : days;
      open = open == null ? LocalTime.MIN : open;
      close = close == null ? LocalTime.MAX : close;
    }
  }
}
