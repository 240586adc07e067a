package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import io.flexorchestrator.config.FlexProperties;
import io.flexorchestrator.config.PublicUrl;
import io.flexorchestrator.twilio.TwilioGateway;
import io.flexorchestrator.twilio.TwilioProperties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** A slow check that started first must not replace the result of a check that started later. */
class TwilioSetupCacheTest {

  @Test
  void aSlowEarlierCheckDoesNotOverwriteALaterOne() throws Exception {
    CountDownLatch firstEntered = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    MockEnvironment env = new MockEnvironment();
    TwilioGateway gateway = new TwilioGateway(new TwilioProperties("AC1", "token", null, null), env) {
      @Override
      public TwilioRestClient client() {
        if (calls.incrementAndGet() == 1) {
          firstEntered.countDown();
          await(releaseFirst);
          throw new IllegalStateException("state seen by the earlier check");
        }
        throw new IllegalStateException("state seen by the later check");
      }
    };
    TwilioSetup setup = new TwilioSetup(gateway, new FlexProperties("WS1", "WW1", null, "IS1"),
        new PublicUrl(env), new CheckupProperties(), new ObjectMapper());

    CompletableFuture<TwilioSetup.Result> earlier = CompletableFuture.supplyAsync(setup::checkNow);
    assertThat(firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
    TwilioSetup.Result later = setup.checkNow();
    releaseFirst.countDown();
    assertThat(earlier.get(10, TimeUnit.SECONDS).checks().get(0).detail()).contains("earlier");

    assertThat(setup.checks()).isSameAs(later);
    assertThat(setup.checks().checks().get(0).detail()).contains("later");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
