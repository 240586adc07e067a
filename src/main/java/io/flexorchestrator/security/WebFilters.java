package io.flexorchestrator.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The servlet filters in front of everything (Spring Security's chains and the Camunda web apps'
 * own filters come after): the per-client request limit and body deadline first, then the web
 * apps' login throttle.
 */
@Configuration
public class WebFilters {

  @Bean
  FilterRegistrationBean<ClientRequestLimit> clientRequestLimit(SecurityProperties properties,
      ObjectMapper mapper) {
    FilterRegistrationBean<ClientRequestLimit> registration =
        new FilterRegistrationBean<>(new ClientRequestLimit(properties, mapper));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.addUrlPatterns("/*");
    return registration;
  }

  @Bean
  FilterRegistrationBean<WebappLoginThrottle> webappLoginThrottle(LoginThrottle throttle,
      SessionLimits sessions, ObjectMapper mapper) {
    FilterRegistrationBean<WebappLoginThrottle> registration =
        new FilterRegistrationBean<>(new WebappLoginThrottle(throttle, sessions, mapper));
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
    registration.addUrlPatterns("/*");
    return registration;
  }
}
