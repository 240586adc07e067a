package io.flexorchestrator.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The app acknowledges a webhook only after its commit, so "2xx = stored" must hold whatever H2
 * file URL a user writes. H2 flushes commits up to half a second later by default
 * ({@code WRITE_DELAY=500}) and closes an embedded database in its own shutdown hook, under the
 * app's graceful shutdown ({@code DB_CLOSE_ON_EXIT=TRUE}). For an embedded H2 file URL (not
 * {@code mem:}, {@code tcp:}, {@code ssl:}) both settings are added when missing; a URL that sets
 * either to another value is refused with a clear message.
 */
public final class H2Durability {

  static final Map<String, String> REQUIRED = Map.of("WRITE_DELAY", "0", "DB_CLOSE_ON_EXIT", "FALSE");

  private H2Durability() {}

  /** The URL with the durable settings; unchanged when it is not an embedded H2 file URL. */
  public static String durable(String url) {
    if (!isEmbeddedFile(url)) {
      return url;
    }
    String[] parts = url.split(";", -1);
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq > 0) {
        settings.put(parts[i].substring(0, eq).trim().toUpperCase(Locale.ROOT), parts[i].substring(eq + 1).trim());
      }
    }
    StringBuilder result = new StringBuilder(url.replaceAll(";+$", ""));
    for (Map.Entry<String, String> required : new TreeMap<>(REQUIRED).entrySet()) {
      String given = settings.get(required.getKey());
      if (given == null) {
        result.append(';').append(required.getKey()).append('=').append(required.getValue());
      } else if (!given.equalsIgnoreCase(required.getValue())) {
        throw new IllegalStateException("spring.datasource.url sets " + required.getKey() + "="
            + given + ": with it, a webhook acknowledged just before a crash could be lost. Use "
            + required.getKey() + "=" + required.getValue() + " (or leave it out: the app adds it)"
            + " in SPRING_DATASOURCE_URL.");
      }
    }
    return result.toString();
  }

  static boolean isEmbeddedFile(String url) {
    if (url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
      return false;
    }
    String rest = url.substring(8).toLowerCase(Locale.ROOT);
    return !(rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:")
        || rest.startsWith("zip:"));
  }
}
