package io.flexorchestrator.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

import static org.springframework.security.web.util.matcher.AntPathRequestMatcher.antMatcher;

/**
 * Who may call what. {@code /engine-rest} and {@code /api} take HTTP Basic with the operator
 * account (checked against Camunda's identity service, the same account as Cockpit), stateless, so
 * authentication comes before any CSRF rule. {@code /actuator} health, info and prometheus are
 * public, and Basic with the operator account there adds the health details. The Camunda web apps
 * keep their own login, CSRF filter and security headers. Webhooks carry Twilio signatures
 * (checked in the webhook layer), the sandbox simulator exists only in sandbox mode.
 */
@Configuration
public class SecurityConfig {

  @Bean
  @Order(1)
  SecurityFilterChain operatorApi(HttpSecurity http, AuthenticationEntryPoint jsonEntryPoint)
      throws Exception {
    // ant matchers: /engine-rest is Jersey's servlet, not Spring MVC's
    return http.securityMatcher(new OrRequestMatcher(antMatcher("/engine-rest/**"), antMatcher("/api/**")))
        .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
        .httpBasic(basic -> basic.authenticationEntryPoint(jsonEntryPoint))
        .exceptionHandling(ex -> ex.authenticationEntryPoint(jsonEntryPoint))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @Bean
  @Order(2)
  SecurityFilterChain actuator(HttpSecurity http, AuthenticationEntryPoint jsonEntryPoint)
      throws Exception {
    // health, info and the scrape are public; Basic is optional here and only makes the health
    // endpoint show its details (show-details: when-authorized needs an authenticated request)
    return http.securityMatcher(antMatcher("/actuator/**"))
        .authorizeHttpRequests(auth -> auth
            .requestMatchers(antMatcher("/actuator/health/**"), antMatcher("/actuator/health"),
                antMatcher("/actuator/info"), antMatcher("/actuator/prometheus")).permitAll()
            .anyRequest().denyAll())
        .httpBasic(basic -> basic.authenticationEntryPoint(jsonEntryPoint))
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
      response.setStatus(401);
      response.setHeader("WWW-Authenticate", "Basic realm=\"flex-orchestrator\"");
      response.setContentType(MediaType.APPLICATION_JSON_VALUE);
      mapper.writeValue(response.getOutputStream(),
          Map.of("error", "authentication required: HTTP Basic with the operator account"));
    };
  }

  @Bean
  AuthenticationProvider camundaIdentityProvider(IdentityService identityService) {
    return new AuthenticationProvider() {
      @Override
      public Authentication authenticate(Authentication authentication) {
        String user = authentication.getName();
        Object credentials = authentication.getCredentials();
        if (user == null || credentials == null
            || !identityService.checkPassword(user, credentials.toString())) {
          throw new BadCredentialsException("bad credentials");
        }
        return UsernamePasswordAuthenticationToken.authenticated(user, null,
            List.of(new SimpleGrantedAuthority("ROLE_OPERATOR")));
      }

      @Override
      public boolean supports(Class<?> type) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(type);
      }
    };
  }
}
