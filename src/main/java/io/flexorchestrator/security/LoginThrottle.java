package io.flexorchestrator.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Failed logins per client address, counted before any password is checked: an address that made
 * more than {@code free-failures} within {@code window} waits, {@code first-block} and doubling
 * with each further failure up to {@code max-block}, and meanwhile no password of it reaches
 * Camunda. No user is ever locked (Camunda's own lock is off, application.yaml), so a stranger's
 * guesses cannot lock the operator out; they only slow the stranger's own address down. Bounded:
 * at most {@code max-clients} addresses are remembered, the least recently seen is forgotten.
 */
@Component
public class LoginThrottle {

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  private static final class Failures {
    int count;
    Instant last;
    Instant blockedUntil;
  }

  private final SecurityProperties.LoginThrottleSettings settings;
  private final Clock clock;
  private final Map<String, Failures> clients;

  @Autowired
  public LoginThrottle(SecurityProperties properties) {
    this(properties.loginThrottle(), Clock.systemUTC());
  }

  LoginThrottle(SecurityProperties.LoginThrottleSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    int max = Math.max(1, settings.maxClients());
    this.clients = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
        return size() > max;
      }
    };
  }

  /** How long the address still has to wait; empty when it may try a password now. */
  public synchronized Optional<Duration> blocked(String address) {
    Failures failures = clients.get(key(address));
    Instant now = clock.instant();
    if (failures == null || failures.blockedUntil == null || !failures.blockedUntil.isAfter(now)) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(now, failures.blockedUntil));
  }

  /** Records a wrong password (or unknown user) from the address. */
  public void failed(String address) {
    Duration block = null;
    int count;
    synchronized (this) {
      Instant now = clock.instant();
      Failures failures = clients.computeIfAbsent(key(address), k -> new Failures());
      if (failures.last != null && failures.last.plus(settings.window()).isBefore(now)) {
        failures.count = 0;
        failures.blockedUntil = null;
      }
      failures.count++;
      failures.last = now;
      count = failures.count;
      int over = failures.count - settings.freeFailures();
      if (over > 0) {
        block = blockFor(over);
        failures.blockedUntil = now.plus(block);
      }
    }
    if (block != null && Long.bitCount(count) == 1) {
      // logged at 1, 2, 4, 8 ... failures over the limit: a flood does not flood the log
      log.warn("Login throttled for client {}: {} failed logins, next try in {} s", address, count,
          Math.max(1, block.toSeconds()));
    }
  }

  private Duration blockFor(int over) {
    Duration block = settings.firstBlock().multipliedBy(1L << Math.min(over - 1, 30));
    return block.compareTo(settings.maxBlock()) > 0 || block.isNegative() ? settings.maxBlock() : block;
  }

  private static String key(String address) {
    return address == null ? "unknown" : address;
  }
}
