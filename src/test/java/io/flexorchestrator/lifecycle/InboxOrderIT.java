package io.flexorchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.webhook.Inbox;
import io.flexorchestrator.webhook.InboxEvent;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Events of one conversation are applied in the order they arrived. An event that reaches the
 * conversation before an earlier one steps back; it must then be applied as soon as the earlier
 * one is, by the same thread, not after the poller's next round behind everything queued since.
 */
class InboxOrderIT extends SandboxIT {

  @Autowired Inbox inbox;
  @Autowired InboxProcessor processor;
  @Autowired JdbcTemplate jdbc;
  @Autowired PlatformTransactionManager transactions;

  @Test
  void aLaterEventThatSteppedBackIsAppliedRightAfterTheEarlierOne() {
    String conversation = "CH" + HexFormat.of().formatHex(randomBytes());
    // stored together and kept away from the poller, so this test decides the order of applying
    long[] ids = new TransactionTemplate(transactions).execute(status -> {
      long earlier = inbox.accept(event(conversation)).orElseThrow();
      long later = inbox.accept(event(conversation)).orElseThrow();
      inbox.deferBriefly(earlier, Duration.ofMinutes(5));
      inbox.deferBriefly(later, Duration.ofMinutes(5));
      return new long[] {earlier, later};
    });

    processor.process(ids[1]);
    assertThat(status(ids[1])).as("the later event waits for its turn").isEqualTo("PENDING");

    processor.process(ids[0]);
    assertThat(status(ids[0])).isEqualTo("IGNORED");
    assertThat(status(ids[1])).as("applied by the same call, not left to the poller").isEqualTo("IGNORED");
  }

  private String status(long id) {
    return jdbc.queryForObject("SELECT status FROM webhook_inbox WHERE id = ?", String.class, id);
  }

  private static InboxEvent event(String conversation) {
    return new InboxEvent(null, InboxEvent.Source.CONVERSATIONS, "onParticipantAdded", conversation,
        null, List.of("inbox-order-it:" + UUID.randomUUID()), Map.of("ConversationSid", conversation), 0);
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[16];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
