package io.flexorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class H2DurabilityTest {

  @Test
  void embeddedFileUrlsGetBothSettings() {
    assertThat(H2Durability.durable("jdbc:h2:file:./data/x"))
        .isEqualTo("jdbc:h2:file:./data/x;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    assertThat(H2Durability.durable("jdbc:h2:~/x;MODE=PostgreSQL;"))
        .isEqualTo("jdbc:h2:~/x;MODE=PostgreSQL;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    assertThat(H2Durability.durable("jdbc:h2:file:/x;write_delay=0"))
        .isEqualTo("jdbc:h2:file:/x;write_delay=0;DB_CLOSE_ON_EXIT=FALSE");
    String durable = "jdbc:h2:file:./data/x;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=256";
    assertThat(H2Durability.durable(durable)).isEqualTo(durable);
  }

  @Test
  void otherUrlsAreLeftAlone() {
    for (String url : new String[] {"jdbc:h2:mem:x;DB_CLOSE_DELAY=-1", "jdbc:h2:tcp://db/x",
        "jdbc:postgresql://db/x", null}) {
      assertThat(H2Durability.durable(url)).isEqualTo(url);
    }
  }

  @Test
  void aUrlThatWouldLoseAcknowledgedCommitsIsRefused() {
    assertThatThrownBy(() -> H2Durability.durable("jdbc:h2:file:./x;WRITE_DELAY=500"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("WRITE_DELAY=500");
    assertThatThrownBy(() -> H2Durability.durable("jdbc:h2:file:./x;DB_CLOSE_ON_EXIT=TRUE"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("DB_CLOSE_ON_EXIT=FALSE");
  }
}
