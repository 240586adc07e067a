package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingSettingsTest {

  @Test
  void aLongLivedNumberCoversItsWhatsAppSenderToo() {
    RoutingSettings settings = new RoutingSettings(Map.of(),
        Set.of("+15550002222", "whatsapp:+15550009999"), null, 2);

    assertThat(settings.isLongLived("sms", "+15550002222")).isTrue();
    assertThat(settings.isLongLived("whatsapp", "whatsapp:+15550002222")).isTrue();
    assertThat(settings.isLongLived("whatsapp", "whatsapp:+15550009999")).isTrue();
    assertThat(settings.isLongLived("sms", "+15550009999")).isFalse();
    assertThat(settings.isLongLived("sms", "+15550001111")).isFalse();
    assertThat(settings.isLongLived("chat", null)).isFalse();
  }

  @Test
  void closeTimersBelowTwiliosMinimumsAreRaisedToThem() {
    RoutingSettings settings = new RoutingSettings(Map.of(
        "sms", new RoutingSettings.Channel(null, Duration.ofSeconds(20), Duration.ofMinutes(3), null, null),
        "chat", new RoutingSettings.Channel(null, Duration.ofMinutes(1), Duration.ofMinutes(10), null, null),
        "whatsapp", new RoutingSettings.Channel(null, Duration.ofMinutes(5), Duration.ofHours(2), null, null)),
        Set.of(), null, 2);

    assertThat(settings.channel("sms").inactiveTimer()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.channel("sms").closedTimer()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.channel("chat").inactiveTimer()).isEqualTo(Duration.ofMinutes(1));
    assertThat(settings.channel("chat").closedTimer()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.channel("whatsapp").inactiveTimer()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.channel("whatsapp").closedTimer()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void aChannelTypeCanBeLongLivedAsAWhole() {
    RoutingSettings settings = new RoutingSettings(
        Map.of("whatsapp", new RoutingSettings.Channel(true, null, null, null, null)), Set.of(), null, 2);

    assertThat(settings.isLongLived("whatsapp", "whatsapp:+15550001111")).isTrue();
    assertThat(settings.isLongLived("sms", "+15550001111")).isFalse();
  }
}
