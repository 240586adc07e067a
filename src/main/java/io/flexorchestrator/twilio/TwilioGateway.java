package io.flexorchestrator.twilio;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.TwilioRestClient;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.Timeout;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The one place that builds the twilio-java {@link TwilioRestClient}. Built on first use, because
 * the sandbox base URL names the port the server bound, known only once it listens.
 */
@Component
public class TwilioGateway {

  private final TwilioProperties properties;
  private final Environment env;
  private volatile TwilioRestClient client;

  public TwilioGateway(TwilioProperties properties, Environment env) {
    this.properties = properties;
    this.env = env;
  }

  public TwilioRestClient client() {
    TwilioRestClient current = client;
    if (current == null) {
      synchronized (this) {
        if (client == null) {
          client = build();
        }
        current = client;
      }
    }
    return current;
  }

  public String accountSid() {
    return properties.accountSid();
  }

  /** {@code TWILIO_API_BASE_URL}, resolved now (its sandbox default names the bound port). */
  public String apiBaseUrl() {
    return env.getProperty("twilio.api-base-url", "");
  }

  private TwilioRestClient build() {
    RequestConfig requestConfig = RequestConfig.custom()
        .setConnectionRequestTimeout(Timeout.of(properties.connectTimeout()))
        .setResponseTimeout(Timeout.of(properties.readTimeout()))
        .build();
    SocketConfig socketConfig = SocketConfig.custom()
        .setSoTimeout(Timeout.of(properties.readTimeout()))
        .build();
    HttpClientBuilder builder = HttpClientBuilder.create()
        .setDefaultRequestConfig(requestConfig)
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setDefaultSocketConfig(socketConfig)
            .setMaxConnTotal(64)
            .setMaxConnPerRoute(64)
            .build())
        .disableAutomaticRetries();
    String base = apiBaseUrl();
    BaseUrlRewritingHttpClient http =
        new BaseUrlRewritingHttpClient(new NetworkHttpClient(builder), () -> base);
    return new TwilioRestClient.Builder(properties.accountSid(), properties.authToken())
        .httpClient(http)
        .build();
  }
}
