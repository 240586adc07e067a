package io.flexorchestrator.security;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.Group;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * HTTP Basic against Camunda's identity service (the same accounts as Cockpit). The client
 * address is throttled first ({@link LoginThrottle}), so a throttled address never reaches the
 * password check. A user whose password checks out is authenticated with their Camunda groups;
 * only members of the operator group get {@code ROLE_OPERATOR}, the others are refused with 403
 * where the operator is required.
 */
@Component
public class OperatorAuthenticationProvider implements AuthenticationProvider {

  public static final String OPERATOR_ROLE = "OPERATOR";

  /** Who the request runs as in the engine: the user and their group ids. */
  public record CamundaIdentity(String userId, List<String> groupIds) {}

  private final IdentityService identityService;
  private final LoginThrottle throttle;
  private final String operatorGroup;

  public OperatorAuthenticationProvider(IdentityService identityService, LoginThrottle throttle,
      SecurityProperties properties) {
    this.identityService = identityService;
    this.throttle = throttle;
    this.operatorGroup = properties.operatorGroup();
  }

  @Override
  public Authentication authenticate(Authentication authentication) {
    String address = authentication.getDetails() instanceof WebAuthenticationDetails details
        ? details.getRemoteAddress() : null;
    throttle.blocked(address).ifPresent(wait -> {
      throw new LoginThrottledException(wait);
    });
    String user = authentication.getName();
    Object credentials = authentication.getCredentials();
    if (user == null || user.isBlank() || credentials == null
        || !identityService.checkPassword(user, credentials.toString())) {
      throttle.failed(address);
      throw new BadCredentialsException("bad credentials");
    }
    List<String> groups = identityService.createGroupQuery().groupMember(user).list().stream()
        .map(Group::getId).toList();
    List<GrantedAuthority> authorities = new ArrayList<>();
    if (groups.contains(operatorGroup)) {
      authorities.add(new SimpleGrantedAuthority("ROLE_" + OPERATOR_ROLE));
    }
    UsernamePasswordAuthenticationToken result =
        UsernamePasswordAuthenticationToken.authenticated(user, null, authorities);
    result.setDetails(new CamundaIdentity(user, groups));
    return result;
  }

  @Override
  public boolean supports(Class<?> type) {
    return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
  }
}
