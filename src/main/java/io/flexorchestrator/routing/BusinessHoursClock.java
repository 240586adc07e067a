package io.flexorchestrator.routing;

import java.time.Clock;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Whether the contact center is open now, by the configured business hours. */
@Component
public class BusinessHoursClock {

  private final RoutingSettings settings;
  private final Clock clock;

  @Autowired
  public BusinessHoursClock(RoutingSettings settings) {
    this(settings, Clock.systemUTC());
  }

  BusinessHoursClock(RoutingSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public boolean isOpen() {
    RoutingSettings.BusinessHours hours = settings.businessHours();
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(hours.zone()));
    if (!hours.days().contains(now.getDayOfWeek())) {
      return false;
    }
    LocalTime time = now.toLocalTime();
    return !time.isBefore(hours.open()) && time.isBefore(hours.close());
  }
}
