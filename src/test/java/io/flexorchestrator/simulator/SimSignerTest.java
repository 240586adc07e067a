package io.flexorchestrator.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.twilio.security.RequestValidator;
import io.flexorchestrator.config.SandboxDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator's signature is the one twilio-java's RequestValidator checks. */
class SimSignerTest {

  @Test
  void twilioJavaAcceptsTheSignature() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("EventType", "onMessageAdded");
    params.put("Body", "héllo & bye");
    params.put("Attributes", "{\"a\":1}");
    params.put("MessagingBinding.Address", "+15550001");
    String url = "https://orchestrator.example.com/webhooks/conversations?x=1";
    String signature = new Signer(SandboxDefaults.AUTH_TOKEN).sign(url, params);
    RequestValidator validator = new RequestValidator(SandboxDefaults.AUTH_TOKEN);
    assertThat(validator.validate(url, params, signature)).isTrue();
    params.put("Body", "tampered");
    assertThat(validator.validate(url, params, signature)).isFalse();
    assertThat(new RequestValidator("other").validate(url, Map.of(), signature)).isFalse();
  }

  @Test
  void evaluatesTaskAttributeExpressions() {
    Map<String, Object> attrs = Map.of("conversationSid", "CH1", "channelType", "sms",
        "customers", Map.of("tier", "gold"), "priority", 3);
    assertThat(TaskExpression.parse("conversationSid == \"CH1\"").test(attrs)).isTrue();
    assertThat(TaskExpression.parse("conversationSid == 'CH1' AND channelType == 'sms'").test(attrs)).isTrue();
    assertThat(TaskExpression.parse("conversationSid == 'CH1' and channelType != 'sms'").test(attrs)).isFalse();
    assertThat(TaskExpression.parse("customers.tier == \"gold\" AND priority == 3").test(attrs)).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskExpression.parse("a IN ['x']"))
        .isInstanceOf(SimError.class);
  }

  @Test
  void masksPhoneNumbers() {
    assertThat(SimJson.mask("+15550000001")).isEqualTo("+1555***0001");
    assertThat(SimJson.mask("whatsapp:+15550000001")).isEqualTo("whatsapp:+1555***0001");
  }
}
