package io.flexorchestrator.checkup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The pacer's spacing on a fake clock: every sleep advances it, no wall clock involved. */
class TwilioPacerTest {

  private static final long SECOND = 1_000_000_000L;

  final AtomicLong clock = new AtomicLong(42 * SECOND);
  final List<Long> sleeps = new ArrayList<>();
  final CheckupProperties properties = new CheckupProperties();
  final TwilioPacer pacer = new TwilioPacer(properties, clock::get, nanos -> {
    sleeps.add(nanos);
    clock.addAndGet(nanos);
  });

  private long elapsed(Runnable calls) {
    long start = clock.get();
    calls.run();
    return clock.get() - start;
  }

  @Test
  void aBusyPacerSpacesReadsOneOverTheRateApart() {
    properties.setReadsPerSecond(10);
    pacer.read(); // the first slot is free
    assertThat(sleeps).isEmpty();

    long elapsed = elapsed(() -> {
      for (int i = 0; i < 10; i++) {
        pacer.read();
      }
    });

    assertThat(elapsed).isBetween(SECOND, SECOND + 10_000_000L);
    assertThat(sleeps).hasSize(10).allSatisfy(nanos ->
        assertThat(nanos).isBetween(99_000_000L, 101_000_000L));
  }

  @Test
  void anIdlePacerAllowsABurstOfOneSecondsWorthThenPaces() {
    properties.setReadsPerSecond(25);
    clock.addAndGet(5 * SECOND); // idle for longer than a second: the bucket is full, not fuller

    for (int i = 0; i < 25; i++) {
      pacer.read();
    }
    assertThat(sleeps).isEmpty();
    pacer.read();
    assertThat(sleeps).hasSize(1);
    assertThat(sleeps.get(0)).isBetween(39_000_000L, 41_000_000L);
  }

  @Test
  void routesHaveTheirOwnRateAndBucket() {
    properties.setReadsPerSecond(25);
    properties.setRoutesPerSecond(4);
    pacer.route();
    pacer.read();
    assertThat(sleeps).isEmpty();
    long elapsed = elapsed(() -> {
      pacer.route();
      pacer.route();
    });
    assertThat(elapsed).isBetween(SECOND / 2, SECOND / 2 + 10_000_000L);
  }

  @Test
  void aRateOfZeroOrLessDoesNotPace() {
    properties.setReadsPerSecond(0);
    for (int i = 0; i < 100; i++) {
      pacer.read();
    }
    assertThat(sleeps).isEmpty();
  }

  @Test
  void aRateBelowOneWaitsWholeSecondsBetweenCalls() {
    properties.setRoutesPerSecond(0.5);
    pacer.route();
    long elapsed = elapsed(pacer::route);
    assertThat(elapsed).isBetween(2 * SECOND, 2 * SECOND + 10_000_000L);
  }
}
