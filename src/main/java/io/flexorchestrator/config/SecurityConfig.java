package io.flexorchestrator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.security.EngineRestIdentity;
import io.flexorchestrator.security.LoginThrottledException;
import io.flexorchestrator.security.OperatorAuthenticationProvider;
import io.flexorchestrator.security.OperatorRequestGuard;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * Who may call what. {@code /engine-rest}, {@code /api} and the operator's actuator paths
 * ({@code /actuator/health/operator} with the health details, {@code /actuator/metrics}) take HTTP
 * Basic against Camunda's identity service ({@link OperatorAuthenticationProvider}: the client
 * address is throttled before the password check, 429 while it waits) and only members of the
 * operator group (403 for other users), stateless, so authentication comes before any other rule
 * (401 first, then 403 for a cross-site request, 415 for a non-JSON body: {@link
 * OperatorRequestGuard}). {@code /engine-rest} requests run in the engine as their user ({@link
 * EngineRestIdentity}). The public actuator endpoints (health and probes, info, prometheus) never
 * look at credentials, so no password is checked there. The Camunda web apps keep their own login,
 * CSRF filter and security headers, with Camunda's authorizations deciding what a user sees.
 * Webhooks carry Twilio signatures (checked in the webhook layer), the sandbox simulator exists
 * only in sandbox mode.
 */
@Configuration
public class SecurityConfig {

  @Bean
  @Order(1)
  SecurityFilterChain operatorApi(HttpSecurity http, AuthenticationEntryPoint jsonEntryPoint,
      AccessDeniedHandler jsonAccessDenied, ObjectMapper mapper, PublicUrl publicUrl,
      IdentityService identityService) throws Exception {
    // ant matchers: /engine-rest is Jersey's servlet, not Spring MVC's
    OperatorRequestGuard guard = new OperatorRequestGuard(mapper, publicUrl);
    return http.securityMatcher(new OrRequestMatcher(antMatcher("/engine-rest/**"), antMatcher("/api/**"),
            antMatcher("/actuator/health/operator"), antMatcher("/actuator/health/operator/**"),
            antMatcher("/actuator/metrics"), antMatcher("/actuator/metrics/**")))
        .authorizeHttpRequests(auth -> auth.anyRequest()
            .hasRole(OperatorAuthenticationProvider.OPERATOR_ROLE))
        .httpBasic(basic -> basic.authenticationEntryPoint(jsonEntryPoint))
        .exceptionHandling(ex -> ex.authenticationEntryPoint(jsonEntryPoint)
            .accessDeniedHandler(jsonAccessDenied))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .csrf(csrf -> csrf.disable())
        .addFilterAfter(guard, AuthorizationFilter.class)
        .addFilterAfter(new EngineRestIdentity(identityService), OperatorRequestGuard.class)
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain actuator(HttpSecurity http) throws Exception {
    // health (component statuses only), the probes, info and the scrape are public; no Basic here:
    // a password sent to a public endpoint is never checked, so it can neither be guessed nor
    // count against anybody
    return http.securityMatcher(antMatcher("/actuator/**"))
        .authorizeHttpRequests(auth -> auth
            .requestMatchers(antMatcher("/actuator/health/**"), antMatcher("/actuator/health"),
                antMatcher("/actuator/info"), antMatcher("/actuator/prometheus")).permitAll()
            .anyRequest().denyAll())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .requestCache(cache -> cache.disable())
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  @Order(3)
  SecurityFilterChain everythingElse(HttpSecurity http) throws Exception {
    // the web apps under /camunda bring their own authentication, CSRF and header filters
    return http.authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
        .csrf(csrf -> csrf.disable())
        .headers(headers -> headers.disable())
        .requestCache(cache -> cache.disable())
        .securityContext(Customizer.withDefaults())
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.NEVER))
        .build();
  }

  @Bean
  AuthenticationEntryPoint jsonEntryPoint(ObjectMapper mapper) {
    return (request, response, exception) -> {
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      if (exception instanceof LoginThrottledException throttled) {
        response.setStatus(429);
        response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
        mapper.writeValue(response.getOutputStream(), Map.of("error",
            "too many failed logins from this address: try again in " + throttled.retryAfterSeconds() + " s"));
        return;
      }
      response.setStatus(401);
      response.setHeader("WWW-Authenticate", "Basic realm=\"flex-orchestrator\"");
      mapper.writeValue(response.getOutputStream(),
          Map.of("error", "authentication required: HTTP Basic with the operator account"));
    };
  }

  @Bean
  AccessDeniedHandler jsonAccessDenied(ObjectMapper mapper) {
    return (request, response, exception) -> {
      response.setStatus(403);
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      mapper.writeValue(response.getOutputStream(), Map.of("error",
          "forbidden: only members of the operator group may use this"));
    };
  }
}
