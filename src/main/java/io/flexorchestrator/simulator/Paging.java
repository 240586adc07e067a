package io.flexorchestrator.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Twilio's list answer: one page of items under {@code key} plus the {@code meta} object. */
final class Paging {

  private Paging() {}

  static Map<String, Object> page(SimRequest r, String key, String listUrl,
      List<Map<String, Object>> items) {
    Integer sizeParam = r.intParam("PageSize");
    int size = sizeParam == null ? 50 : Math.max(1, Math.min(1000, sizeParam));
    Integer pageParam = r.intParam("Page");
    int page = pageParam == null ? 0 : Math.max(0, pageParam);
    int from = Math.min(items.size(), page * size);
    int to = Math.min(items.size(), from + size);
    Map<String, String> filters = new LinkedHashMap<>();
    r.params().forEach((name, values) -> {
      if (!List.of("PageSize", "Page", "PageToken").contains(name) && !values.isEmpty()
          && r.method().equals("GET")) {
        filters.put(name, values.get(0));
      }
    });
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("page", page);
    meta.put("page_size", size);
    meta.put("first_page_url", url(listUrl, filters, size, 0));
    meta.put("previous_page_url", page > 0 ? url(listUrl, filters, size, page - 1) : null);
    meta.put("url", url(listUrl, filters, size, page));
    meta.put("next_page_url", to < items.size() ? url(listUrl, filters, size, page + 1) : null);
    meta.put("key", key);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put(key, items.subList(from, to));
    answer.put("meta", meta);
    return answer;
  }

  private static String url(String listUrl, Map<String, String> filters, int size, int page) {
    String query = filters.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return listUrl + "?" + (query.isEmpty() ? "" : query + "&") + "PageSize=" + size + "&Page="
        + page + (page > 0 ? "&PageToken=PT" + page : "");
  }
}
