package io.flexorchestrator.simulator;

import io.flexorchestrator.config.SandboxDefaults;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * Twilio's REST API at {@code /sim/{product}/...}: records the call, checks Basic auth, validates it
 * against the product's OpenAPI spec, applies rate limit and injected faults, and hands it to the
 * product's emulation under the state lock. Answers are Twilio-shaped JSON; never a stack trace.
 */
@RestController
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class SimRestController {

  private static final Logger log = LoggerFactory.getLogger(SimRestController.class);

  private final SimState state;
  private final SpecValidator validator;
  private final RequestLog requestLog;
  private final FaultInjector faults;
  private final Map<String, SimApi> apis = new LinkedHashMap<>();

  public SimRestController(SimState state, SpecValidator validator, RequestLog requestLog,
      FaultInjector faults, List<SimApi> apis) {
    this.state = state;
    this.validator = validator;
    this.requestLog = requestLog;
    this.faults = faults;
    apis.forEach(api -> this.apis.put(api.product(), api));
  }

  @EventListener(ApplicationReadyEvent.class)
  void preload() {
    Thread t = new Thread(() -> {
      try {
        validator.preload();
      } catch (RuntimeException e) {
        log.warn("could not preload the Twilio specs: {}", e.toString());
      }
    }, "sim-spec-preload");
    t.setDaemon(true);
    t.start();
  }

  @RequestMapping(value = "/sim/{product}/**",
      method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.DELETE, RequestMethod.PUT})
  public ResponseEntity<String> handle(@PathVariable String product, HttpServletRequest request)
      throws IOException {
    String fullPath = request.getRequestURI();
    String method = request.getMethod();
    String specPath = fullPath.substring(("/sim/" + product).length());
    if (specPath.isEmpty()) {
      specPath = "/";
    }
    MultiValueMap<String, String> query = FormParser.parse(request.getQueryString());
    String contentType = request.getContentType();
    String body = readBody(request, query);
    boolean form = contentType != null
        && contentType.toLowerCase().startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
    boolean json = contentType != null && contentType.toLowerCase().contains("json");
    MultiValueMap<String, String> params = new LinkedMultiValueMap<>(query);
    Map<String, Object> jsonBody = null;
    if (form) {
      FormParser.parse(body).forEach((k, v) -> v.forEach(x -> params.add(k, x)));
    }
    Object logged = logParams(params);
    if (json && body != null && !body.isBlank()) {
      try {
        jsonBody = SimJson.object(body, "body");
        logged = jsonBody;
      } catch (SimError e) {
        logged = body;
      }
    }
    requestLog.record(method, fullPath, logged);
    try {
      SimApi api = apis.get(product);
      if (api == null || !validator.knows(product)) {
        throw SimError.notFound(fullPath);
      }
      authenticate(request.getHeader(HttpHeaders.AUTHORIZATION));
      Map<String, String> headers = new LinkedHashMap<>();
      String webhookHeader = request.getHeader("X-Twilio-Webhook-Enabled");
      if (webhookHeader != null) {
        headers.put("X-Twilio-Webhook-Enabled", webhookHeader);
      }
      SpecValidator.Result result = validator.validate(product, method, specPath, query,
          body == null || body.isEmpty() ? null : contentType, body, headers);
      if (result.notFound()) {
        throw SimError.notFound(fullPath);
      }
      if (!result.valid()) {
        log.warn("sim: {} {} breaks the Twilio spec: {}", method, fullPath, result.message());
        throw SimError.invalid(result.message());
      }
      if ("flex-api".equals(product) && "POST".equals(method) && specPath.equals("/v1/Interactions")
          && faults.interactionLimited()) {
        throw new SimError(429, 20429, "Too Many Requests");
      }
      faults.delay();
      FaultInjector.Fault fault = faults.draw(method, fullPath);
      if (fault != null && !fault.afterApply()) {
        log.info("sim: injected fault {} on {} {}", fault.status(), method, fullPath);
        throw FaultInjector.error(fault.status());
      }
      SimRequest simRequest = new SimRequest(method, product, specPath,
          SimRequest.segmentsOf(specPath), params, jsonBody, "true".equalsIgnoreCase(webhookHeader));
      boolean mute = "conversations".equals(product) && !simRequest.webhookEnabled();
      SimResponse response = state.locked(
          () -> ConversationEvents.muted(mute, () -> api.handle(simRequest)));
      if (fault != null) {
        log.info("sim: applied {} {}, then injected fault {}", method, fullPath, fault.status());
        throw FaultInjector.error(fault.status());
      }
      return answer(response.status(), response.body());
    } catch (SimError e) {
      return answer(e.status(), e.body());
    } catch (RuntimeException e) {
      log.warn("sim: {} {} failed: {}", method, fullPath, e.toString(), e);
      return answer(500, SimError.body(500, 20500, "Internal Server Error"));
    }
  }

  private static void authenticate(String authorization) {
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        (SandboxDefaults.ACCOUNT_SID + ":" + SandboxDefaults.AUTH_TOKEN).getBytes(StandardCharsets.UTF_8));
    if (authorization == null || !authorization.trim().equals(expected)) {
      throw new SimError(401, 20003, "Authenticate");
    }
  }

  private static String readBody(HttpServletRequest request, MultiValueMap<String, String> query)
      throws IOException {
    byte[] raw = request.getInputStream().readAllBytes();
    if (raw.length > 0) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    String contentType = request.getContentType();
    if (contentType != null && contentType.toLowerCase().startsWith(
        MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
      // the container read the form already: rebuild it from the parameters minus the query
      StringBuilder form = new StringBuilder();
      request.getParameterMap().forEach((name, values) -> {
        List<String> fromQuery = query.getOrDefault(name, List.of());
        int skip = fromQuery.size();
        for (String v : values) {
          if (skip-- > 0) {
            continue;
          }
          if (form.length() > 0) {
            form.append('&');
          }
          form.append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
              .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
      });
      return form.toString();
    }
    return "";
  }

  private static Object logParams(MultiValueMap<String, String> params) {
    Map<String, Object> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(k, v.size() == 1 ? v.get(0) : List.copyOf(v)));
    return out;
  }

  static ResponseEntity<String> answer(int status, Object body) {
    if (body == null) {
      return ResponseEntity.status(status).build();
    }
    return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
        .body(SimJson.write(body));
  }
}
