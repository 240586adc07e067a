package io.flexorchestrator.simulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/** Parses an {@code application/x-www-form-urlencoded} body, keeping repeated names. */
final class FormParser {

  private FormParser() {}

  static MultiValueMap<String, String> parse(String body) {
    MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
    if (body == null || body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.add(URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return form;
  }
}
