package io.flexorchestrator.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The web apps' login ({@code POST /camunda/api/admin/auth/user/{engine}/login/{app}}), which
 * checks the password itself, under the same per-address throttle as HTTP Basic: a throttled
 * address gets 429 with {@code Retry-After} before Camunda sees the password, a 401 answer counts
 * as a failure, and a successful login makes its session a logged-in one ({@link SessionLimits}).
 */
public class WebappLoginThrottle extends OncePerRequestFilter {

  private final LoginThrottle throttle;
  private final SessionLimits sessions;
  private final ObjectMapper mapper;

  public WebappLoginThrottle(LoginThrottle throttle, SessionLimits sessions, ObjectMapper mapper) {
    this.throttle = throttle;
    this.sessions = sessions;
    this.mapper = mapper;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !"POST".equalsIgnoreCase(request.getMethod())
        || !request.getRequestURI().matches(".*/api/admin/auth/user/[^/]+/login/[^/]+/?$");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String address = request.getRemoteAddr();
    Optional<Duration> wait = throttle.blocked(address);
    if (wait.isPresent()) {
      long seconds = new LoginThrottledException(wait.get()).retryAfterSeconds();
      response.setStatus(429);
      response.setHeader("Retry-After", Long.toString(seconds));
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      mapper.writeValue(response.getOutputStream(), Map.of("error",
          "too many failed logins from this address: try again in " + seconds + " s"));
      return;
    }
    chain.doFilter(request, response);
    if (response.getStatus() == 401) {
      throttle.failed(address);
    } else if (response.getStatus() == 200) {
      sessions.loggedIn(request.getSession(false));
    }
  }
}
