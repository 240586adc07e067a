package io.flexorchestrator.config;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The base URL at which Twilio reaches this app ({@code ORCHESTRATOR_PUBLIC_URL}); webhook
 * signatures are computed over it. Resolved on use, because its default names the port the server
 * actually bound, which is only known once it listens.
 */
@Component
public class PublicUrl {

  private final Environment env;

  public PublicUrl(Environment env) {
    this.env = env;
  }

  public String base() {
    String configured = env.getProperty("orchestrator.public-url");
    if (StringUtils.hasText(configured)) {
      return stripSlash(configured);
    }
    return "http://localhost:" + localPort();
  }

  /** Where this node itself listens, for calls that must not leave the machine. */
  public String local() {
    return "http://localhost:" + localPort();
  }

  public String of(String path) {
    return base() + path;
  }

  private String localPort() {
    return env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
