package io.flexorchestrator.twilio;

import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The twilio-java HTTP client the orchestrator uses for every Twilio call. It does two things:
 *
 * <ul>
 *   <li>With a base URL ({@code TWILIO_API_BASE_URL}) it sends {@code https://{product}.twilio.com{path}}
 *       to {@code {base}/{product}{path}}, keeping method, query, form or JSON body, headers and
 *       Basic auth (the sandbox simulator, contract mocks and test doubles sit there).
 *   <li>It never repeats a POST: twilio-java's {@code reliableRequest} retries every 5xx, which for
 *       a create that reached Twilio but lost its response would make a duplicate Interaction,
 *       Invite or message. The engine owns those retries, after looking for what the first attempt
 *       created. Reads (GET) and DELETEs, which are safe to repeat, keep twilio-java's retry.
 * </ul>
 */
public class BaseUrlRewritingHttpClient extends HttpClient {

  private final HttpClient transport;
  private final Supplier<String> baseUrl;

  public BaseUrlRewritingHttpClient(HttpClient transport, Supplier<String> baseUrl) {
    this.transport = transport;
    this.baseUrl = baseUrl;
  }

  @Override
  public Response reliableRequest(Request request) {
    if (request.getMethod() == HttpMethod.POST) {
      return makeRequest(request);
    }
    return super.reliableRequest(request);
  }

  @Override
  public Response makeRequest(Request request) {
    String base = baseUrl.get();
    if (base == null || base.isBlank()) {
      return transport.makeRequest(request);
    }
    return transport.makeRequest(rewrite(request, base));
  }

  /** The URL twilio-java would call, mapped onto {@code base}; public for its unit test. */
  public static String rewriteUrl(String twilioUrl, String base) {
    URI uri = URI.create(twilioUrl);
    String host = uri.getHost();
    int dot = host.indexOf('.');
    String product = dot < 0 ? host : host.substring(0, dot);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String trimmedBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    return trimmedBase + "/" + product + path;
  }

  static Request rewrite(Request original, String base) {
    // constructURL applies region/edge to the host and appends the query; the query is copied below
    String absolute = original.constructURL().toString();
    int query = absolute.indexOf('?');
    String withoutQuery = query < 0 ? absolute : absolute.substring(0, query);
    Request copy = new Request(original.getMethod(), rewriteUrl(withoutQuery, base));
    copy(original.getQueryParams(), copy::addQueryParam);
    copy(original.getPostParams(), copy::addPostParam);
    copy(original.getHeaderParams(), copy::addHeaderParam);
    if (original.getContentType() != null) {
      copy.setContentType(original.getContentType());
    }
    if (original.getBody() != null) {
      copy.setBody(original.getBody());
    }
    if (original.getFormParameters() != null) {
      copy.setFormParameters(original.getFormParameters());
    }
    if (original.getAuthStrategy() != null) {
      copy.setAuth(original.getAuthStrategy());
    } else if (original.getUsername() != null) {
      copy.setAuth(original.getUsername(), original.getPassword());
    }
    copy.setUserAgentExtensions(original.getUserAgentExtensions());
    return copy;
  }

  private static void copy(Map<String, List<String>> from, java.util.function.BiConsumer<String, String> to) {
    if (from != null) {
      from.forEach((name, values) -> values.forEach(value -> to.accept(name, value)));
    }
  }
}
