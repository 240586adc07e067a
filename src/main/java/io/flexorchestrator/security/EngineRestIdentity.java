package io.flexorchestrator.security;

import io.flexorchestrator.security.OperatorAuthenticationProvider.CamundaIdentity;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * An {@code /engine-rest} request runs in the engine as the user who sent it, with their groups,
 * so Camunda's own authorizations apply to everything it reads or changes; cleared afterwards, so
 * the thread goes back to the pool unauthenticated (the app's own engine calls are not checked).
 */
public class EngineRestIdentity extends OncePerRequestFilter {

  private final IdentityService identityService;

  public EngineRestIdentity(IdentityService identityService) {
    this.identityService = identityService;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith(request.getContextPath() + "/engine-rest/");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !(authentication.getDetails() instanceof CamundaIdentity identity)) {
      response.sendError(401);
      return;
    }
    identityService.setAuthentication(identity.userId(), identity.groupIds());
    try {
      chain.doFilter(request, response);
    } finally {
      identityService.clearAuthentication();
    }
  }
}
