package io.flexorchestrator.twilio;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Credentials and HTTP settings for Twilio's REST API; the base URL is read on use (see gateway). */
@ConfigurationProperties("twilio")
public record TwilioProperties(
    String accountSid, String authToken, Duration connectTimeout, Duration readTimeout) {

  public TwilioProperties {
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
    readTimeout = readTimeout == null ? Duration.ofSeconds(15) : readTimeout;
  }
}
