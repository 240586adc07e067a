package io.flexorchestrator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskingTest {

  @Test
  void masksPhoneNumbersAndEmails() {
    assertThat(Masking.mask("from +15551230001 to whatsapp:+447700900123"))
        .doesNotContain("5551230001").doesNotContain("7700900123")
        .contains("0001").contains("0123");
    assertThat(Masking.mask("jane.doe@example.com wrote")).isEqualTo("j***@example.com wrote");
    assertThat(Masking.mask("CH0000000000000000000000000000a001")).isEqualTo("CH0000000000000000000000000000a001");
  }
}
