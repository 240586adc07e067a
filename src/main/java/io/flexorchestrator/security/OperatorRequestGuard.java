package io.flexorchestrator.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flexorchestrator.config.PublicUrl;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What an authenticated operator's request must also be, so that a browser page cannot drive
 * {@code /api} or {@code /engine-rest} with credentials the browser cached: no cross-site request
 * ({@code Sec-Fetch-Site: cross-site} or same-site, or an {@code Origin} that is neither this
 * app's public URL nor the host the request was sent to: 403), and on {@code /api} a body only as
 * JSON (415: a cross-site form or {@code text/plain} POST needs no CORS preflight, JSON does). A
 * POST without a body (park, unpark, checkup) needs no content type. The one exception is the
 * routing what-if, which also takes the DMN file itself as {@code application/xml} or
 * {@code text/xml}: neither is a type an HTML form can send, so a browser needs a preflight for
 * them as well. Runs after authentication, so a request without valid credentials still gets its
 * 401 first.
 */
public class OperatorRequestGuard extends OncePerRequestFilter {

  static final String WHAT_IF_PATH = "/api/routing/what-if";

  private final ObjectMapper mapper;
  private final PublicUrl publicUrl;

  public OperatorRequestGuard(ObjectMapper mapper, PublicUrl publicUrl) {
    this.mapper = mapper;
    this.publicUrl = publicUrl;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String site = request.getHeader("Sec-Fetch-Site");
    if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
      refuse(response, 403, "cross-site requests are refused (Sec-Fetch-Site: " + site + ")");
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && !sameOrigin(origin, request)) {
      refuse(response, 403, "cross-site requests are refused (Origin is another site)");
      return;
    }
    if (request.getRequestURI().startsWith(request.getContextPath() + "/api/") && hasBody(request)
        && !isJson(request.getContentType()) && !isXmlForWhatIf(request)) {
      refuse(response, 415, "send application/json");
      return;
    }
    chain.doFilter(request, response);
  }

  static boolean hasBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
  }

  static boolean isXmlForWhatIf(HttpServletRequest request) {
    if (!request.getRequestURI().equals(request.getContextPath() + WHAT_IF_PATH)
        || request.getContentType() == null) {
      return false;
    }
    try {
      MediaType type = MediaType.parseMediaType(request.getContentType());
      return MediaType.APPLICATION_XML.includes(type) || MediaType.TEXT_XML.includes(type);
    } catch (RuntimeException invalid) {
      return false;
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    try {
      MediaType type = MediaType.parseMediaType(contentType);
      return type.isCompatibleWith(MediaType.APPLICATION_JSON)
          || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
    } catch (RuntimeException invalid) {
      return false;
    }
  }

  private boolean sameOrigin(String origin, HttpServletRequest request) {
    String given = normalize(origin);
    if (given == null) {
      return false; // "null" (sandboxed frames, file:) or garbage
    }
    String requested = normalize(request.getScheme() + "://" + request.getServerName() + ":"
        + request.getServerPort());
    return given.equals(requested) || given.equals(normalize(publicUrl.base()));
  }

  /** scheme://host:port in lower case with the default port made explicit; null if not a URL. */
  static String normalize(String url) {
    try {
      URI uri = URI.create(url.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return null;
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
      return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void refuse(HttpServletResponse response, int status, String error) throws IOException {
    response.setStatus(status);
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    mapper.writeValue(response.getOutputStream(), Map.of("error", error));
  }
}
