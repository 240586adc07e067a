package io.flexorchestrator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.security.ClientRequestLimit;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

/**
 * Reads a webhook's body itself, with a hard size limit (Twilio's payloads are small; a larger one
 * is refused with 413 before anything is parsed), and parses the form encoding strictly. Twilio
 * sends these webhooks form-encoded; a JSON body (signed through {@code bodySHA256}) is taken as
 * the same parameters in a flat JSON object: strings as they are, other scalars as their text,
 * nested objects and arrays as their JSON text (e.g. {@code TaskAttributes}). A body that does not
 * arrive within {@code orchestrator.security.body-read-timeout} is refused with 408.
 */
@Component
public class WebhookRequestReader {

  static final String NOT_AN_OBJECT =
      "a JSON body must be one object of Twilio's parameters, e.g. {\"EventType\": \"...\"}";

  private final int maxBytes;
  private final ObjectMapper mapper;

  public WebhookRequestReader(@Value("${orchestrator.webhooks.max-body-size:64KB}") DataSize max,
      ObjectMapper mapper) {
    this.maxBytes = (int) max.toBytes();
    this.mapper = mapper;
  }

  public WebhookRequest read(HttpServletRequest request) {
    if (request.getContentLengthLong() > maxBytes) {
      throw new WebhookRejection(413, "payload too large: webhooks are limited to " + maxBytes + " bytes");
    }
    String body = readBody(request);
    String contentType = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
    boolean json = contentType.startsWith("application/json");
    Map<String, String> params = json ? parseJson(body) : parseForm(body);
    return new WebhookRequest(request.getRequestURI(), request.getQueryString(),
        params == null ? Map.of() : params, body, json, request.getHeader("X-Twilio-Signature"),
        request.getHeader("I-Twilio-Idempotency-Token"), params == null ? NOT_AN_OBJECT : null);
  }

  /** The members of a JSON object as parameters; null when the body is not a JSON object. */
  private Map<String, String> parseJson(String body) {
    JsonNode root;
    try {
      root = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
    if (root == null || !root.isObject()) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    root.properties().forEach(member -> {
      JsonNode value = member.getValue();
      if (!value.isNull()) {
        params.put(member.getKey(), value.isContainerNode() ? value.toString() : value.asText());
      }
    });
    return params;
  }

  private String readBody(HttpServletRequest request) {
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new WebhookRejection(413, "payload too large: webhooks are limited to " + maxBytes + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (ClientRequestLimit.BodyReadTimeoutException slow) {
      // a slow client held a thread long enough: 408, and Tomcat closes the connection
      throw new WebhookRejection(408, slow.getMessage());
    } catch (IOException e) {
      throw WebhookRejection.badRequest("request body could not be read");
    }
  }

  static Map<String, String> parseForm(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) {
      return params;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      params.putIfAbsent(name, value);
    }
    return params;
  }

  private static String decode(String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw WebhookRejection.badRequest("body is not valid application/x-www-form-urlencoded");
    }
  }
}
