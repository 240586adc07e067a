package io.flexorchestrator.webhook;

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
 * is refused with 413 before anything is parsed), and parses the form encoding strictly.
 */
@Component
public class WebhookRequestReader {

  private final int maxBytes;

  public WebhookRequestReader(@Value("${orchestrator.webhooks.max-body-size:64KB}") DataSize max) {
    this.maxBytes = (int) max.toBytes();
  }

  public WebhookRequest read(HttpServletRequest request) {
    if (request.getContentLengthLong() > maxBytes) {
      throw new WebhookRejection(413, "payload too large: webhooks are limited to " + maxBytes + " bytes");
    }
    String body = readBody(request);
    String contentType = request.getContentType() == null ? "" : request.getContentType().toLowerCase();
    boolean json = contentType.startsWith("application/json");
    Map<String, String> params = json ? Map.of() : parseForm(body);
    return new WebhookRequest(request.getRequestURI(), request.getQueryString(), params, body, json,
        request.getHeader("X-Twilio-Signature"), request.getHeader("I-Twilio-Idempotency-Token"));
  }

  private String readBody(HttpServletRequest request) {
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw new WebhookRejection(413, "payload too large: webhooks are limited to " + maxBytes + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
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
