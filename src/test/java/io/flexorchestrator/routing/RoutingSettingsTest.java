package io.flexorchestrator.routing;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aChannelTypeCanBeLongLivedAsAWhole() {
    RoutingSettings settings = new RoutingSettings(
        Map.of("whatsapp", new RoutingSettings.Channel(true, null, null, null, null)), Set.of(), null, 2);

    assertThat(settings.isLongLived("whatsapp", "whatsapp:+15550001111")).isTrue();
    assertThat(settings.isLongLived("sms", "+15550001111")).isFalse();
  }
}
