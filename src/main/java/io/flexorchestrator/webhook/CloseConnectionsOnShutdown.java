package io.flexorchestrator.webhook;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Once the node starts shutting down, every answer says {@code Connection: close}. Tomcat's
 * graceful shutdown refuses a request that arrives on an idle keep-alive connection with an error
 * status, and Twilio does not redeliver a 4xx; on a fresh connection the caller gets a refused
 * connection instead, which Twilio (and nginx in front of a cluster) retries elsewhere.
 */
@Component
public class CloseConnectionsOnShutdown extends OncePerRequestFilter
    implements ApplicationListener<ContextClosedEvent> {

  private volatile boolean closing;

  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    closing = true;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    if (closing) {
      response.setHeader("Connection", "close");
    }
    chain.doFilter(request, response);
  }
}
