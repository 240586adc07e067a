package io.flexorchestrator.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.routing.InvalidRoutingTable;
import io.flexorchestrator.routing.RoutingWhatIf;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/routing/what-if}: what a changed routing table would have decided for the
 * interactions of the last days ({@link RoutingWhatIf}); nothing is deployed or sent to Twilio.
 *
 * <p>Two forms of the same request:
 * <ul>
 *   <li>{@code application/json} {@code {"dmnXml": "<definitions …>", "days": 7}} (or
 *       {@code "since": "2025-01-31T00:00:00Z"}; optional {@code "samples"}), like the rest of /api;
 *   <li>the DMN file itself as {@code application/xml} or {@code text/xml}, window and samples as
 *       query parameters: {@code curl --data-binary @routing-decision.dmn -H 'Content-Type:
 *       application/xml' '…/api/routing/what-if?days=7'}. This is the one /api endpoint that
 *       takes a body other than JSON. Neither XML type is a content type a cross-site HTML form
 *       can send, so a browser must ask first (CORS preflight), as for JSON.
 * </ul>
 * Multipart is not accepted: a form post is exactly what a cross-site page can send.
 */
@RestController
public class RoutingWhatIfController {

  static final int MAX_BODY = 2 * 1024 * 1024;
  private static final int DEFAULT_DAYS = 7;
  private static final int DEFAULT_SAMPLES = 10;

  private final RoutingWhatIf whatIf;
  private final ObjectMapper mapper;

  public RoutingWhatIfController(RoutingWhatIf whatIf, ObjectMapper mapper) {
    this.whatIf = whatIf;
    this.mapper = mapper;
  }

  @PostMapping("/api/routing/what-if")
  public Map<String, Object> whatIf(HttpServletRequest request) throws IOException {
    MediaType type = contentType(request.getContentType());
    byte[] body = readLimited(request);
    if (MediaType.APPLICATION_JSON.includes(type)) {
      return fromJson(body);
    }
    return run(body, request.getParameter("days"), request.getParameter("since"),
        request.getParameter("samples"));
  }

  /** The JSON form, {@code {"dmnXml", "days" | "since", "samples"}}; also the Cockpit plugin's. */
  public Map<String, Object> fromJson(byte[] body) {
    if (body.length > MAX_BODY) {
      throw new ApiError(413, "the request body is larger than " + MAX_BODY / 1024 / 1024 + " MB");
    }
    JsonNode json = json(body);
    JsonNode dmn = json.get("dmnXml");
    if (dmn == null || !dmn.isTextual() || dmn.asText().isBlank()) {
      throw ApiError.badRequest("dmnXml is required: the DMN file's XML as a string");
    }
    return run(dmn.asText().getBytes(StandardCharsets.UTF_8), text(json, "days"), text(json, "since"),
        text(json, "samples"));
  }

  private Map<String, Object> run(byte[] dmn, String days, String since, String samples) {
    try {
      return whatIf.run(dmn, window(days, since), number("samples", samples, DEFAULT_SAMPLES, 1,
          RoutingWhatIf.MAX_SAMPLES));
    } catch (InvalidRoutingTable e) {
      throw ApiError.badRequest(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    } catch (IllegalStateException e) {
      throw new ApiError(409, e.getMessage());
    }
  }

  private static Instant window(String days, String since) {
    if (days != null && since != null) {
      throw ApiError.badRequest("give days or since, not both");
    }
    if (since != null) {
      try {
        return Instant.parse(since);
      } catch (DateTimeParseException e) {
        throw ApiError.badRequest("since must be an ISO-8601 instant, e.g. 2025-01-31T00:00:00Z");
      }
    }
    int n = number("days", days, DEFAULT_DAYS, 1, RoutingWhatIf.MAX_DAYS);
    return Instant.now().minus(Duration.ofDays(n));
  }

  private static int number(String name, String value, int fallback, int min, int max) {
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
  }

  private static MediaType contentType(String header) {
    MediaType type = null;
    try {
      type = header == null ? null : MediaType.parseMediaType(header);
    } catch (RuntimeException e) {
      // answered below
    }
    if (type == null || !(MediaType.APPLICATION_JSON.includes(type) || MediaType.APPLICATION_XML.includes(type)
        || MediaType.TEXT_XML.includes(type))) {
      throw new ApiError(415, "send application/json {\"dmnXml\": \"…\", \"days\": 7}, or the DMN file "
          + "itself as application/xml or text/xml (?days=7)");
    }
    return type;
  }

  private static byte[] readLimited(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > MAX_BODY) {
      throw new ApiError(413, "the request body is larger than " + MAX_BODY / 1024 / 1024 + " MB");
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new ApiError(413, "the request body is larger than " + MAX_BODY / 1024 / 1024 + " MB");
      }
      return body;
    }
  }

  private JsonNode json(byte[] body) {
    try {
      JsonNode json = mapper.readTree(body);
      if (json == null || !json.isObject()) {
        throw ApiError.badRequest("the body must be a JSON object {\"dmnXml\": \"…\", \"days\": 7}");
      }
      return json;
    } catch (IOException e) {
      throw ApiError.badRequest("the body is not valid JSON");
    }
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
