package io.flexorchestrator.checkup;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.variable.Variables;
import org.camunda.bpm.engine.variable.value.FileValue;
import org.camunda.bpm.engine.variable.value.TypedValue;

/**
 * The report of one checkup run, kept as the process variable {@value #VARIABLE} (a JSON file
 * value: no 4000-character limit, downloadable in Cockpit, kept in the history) and returned by
 * {@code POST /api/checkup}. Each sweep step loads it, adds what it found and saves it back.
 *
 * <p>Sections: {@code orphans} (conversations without a lifecycle), {@code lifecycles} (missed
 * TaskRouter endings), {@code channels} (stale interaction channels), {@code timers} (close timers
 * set); each item has an {@code action} ({@code routed}, {@code closed}, {@code replayed},
 * {@code set} = acted; {@code skipped}; {@code failed}) and a {@code reason}.
 */
public final class CheckupReport {

  public static final String VARIABLE = "report";
  public static final List<String> SECTIONS = List.of("orphans", "lifecycles", "channels", "timers");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Items kept per section; the counts stay exact beyond it. */
  private static final int MAX_ITEMS = 2000;
  private static final String CANDIDATES = "channelCandidates";

  private final Map<String, Object> data;

  private CheckupReport(Map<String, Object> data) {
    this.data = data;
  }

  public static CheckupReport start(String processInstanceId, String trigger, String policy) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("processInstanceId", processInstanceId);
    data.put("trigger", trigger);
    data.put("orphanPolicy", policy);
    data.put("startedAt", Instant.now().toString());
    data.put("scanned", new LinkedHashMap<>(Map.of("conversations", 0, "lifecycles", 0, "channels", 0)));
    SECTIONS.forEach(s -> data.put(s, new ArrayList<>()));
    return new CheckupReport(data);
  }

  public static CheckupReport load(VariableScope scope) {
    Map<String, Object> data = read(scope.getVariableTyped(VARIABLE));
    if (data == null) {
      Object trigger = scope.getVariable("trigger");
      Object policy = scope.getVariable("orphanPolicy");
      String id = scope instanceof org.camunda.bpm.engine.delegate.DelegateExecution e
          ? e.getProcessInstanceId() : null;
      return start(id, trigger == null ? "unknown" : trigger.toString(),
          policy == null ? null : policy.toString());
    }
    return new CheckupReport(data);
  }

  /** The report of a (historic) variable value, or null. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(TypedValue value) {
    if (value == null || value.getValue() == null) {
      return null;
    }
    try {
      if (value instanceof FileValue file) {
        try (InputStream in = file.getValue()) {
          return MAPPER.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {});
        }
      }
      if (value.getValue() instanceof String s) {
        return MAPPER.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() {});
      }
    } catch (IOException e) {
      throw new IllegalStateException("checkup report is not JSON", e);
    }
    return (Map<String, Object>) value.getValue();
  }

  public void save(VariableScope scope) {
    try {
      byte[] json = MAPPER.writeValueAsBytes(data);
      scope.setVariable(VARIABLE, Variables.fileValue("checkup-report.json").file(json)
          .mimeType("application/json").encoding(StandardCharsets.UTF_8).create());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public void scanned(String what, int n) {
    Map<String, Object> scanned = (Map<String, Object>) data.get("scanned");
    scanned.merge(what, n, (a, b) -> ((Number) a).intValue() + ((Number) b).intValue());
  }

  /** Adds a finding to a section; returns it for further details. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> add(String section, String conversationSid, String action, String reason) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("conversationSid", conversationSid);
    item.put("action", action);
    item.put("reason", reason);
    List<Object> list = (List<Object>) data.get(section);
    Map<String, Object> counts = (Map<String, Object>) data.computeIfAbsent("counts", k -> new LinkedHashMap<>());
    counts.merge(section + "." + action, 1, (a, b) -> ((Number) a).intValue() + 1);
    if (list.size() < MAX_ITEMS) {
      list.add(item);
    }
    return item;
  }

  /** When the run started: fixes the stale-channel window for every step of the run. */
  public Instant startedAt() {
    return Instant.parse(String.valueOf(data.get("startedAt")));
  }

  /**
   * An interaction channel the conversation sweep found outside the ended-lifecycles window, for
   * the stale-channel step: {@code conversationSid, interactionSid, channelSid, longLived, outcome}.
   * Kept in the report until that step takes it (not part of the published report).
   */
  @SuppressWarnings("unchecked")
  public void addChannelCandidate(Map<String, Object> candidate) {
    ((List<Object>) data.computeIfAbsent(CANDIDATES, k -> new ArrayList<>())).add(candidate);
  }

  @SuppressWarnings("unchecked")
  public int channelCandidates() {
    return ((List<Object>) data.getOrDefault(CANDIDATES, List.of())).size();
  }

  /** Removes and returns up to {@code max} channel candidates. */
  @SuppressWarnings("unchecked")
  public List<Map<String, Object>> takeChannelCandidates(int max) {
    List<Map<String, Object>> all = (List<Map<String, Object>>) data.getOrDefault(CANDIDATES, List.of());
    List<Map<String, Object>> taken = new ArrayList<>(all.subList(0, Math.min(max, all.size())));
    List<Map<String, Object>> rest = new ArrayList<>(all.subList(taken.size(), all.size()));
    if (rest.isEmpty()) {
      data.remove(CANDIDATES);
    } else {
      data.put(CANDIDATES, rest);
    }
    return taken;
  }

  /** Number of actions taken so far (routed, closed, replayed, set). */
  @SuppressWarnings("unchecked")
  public int actions() {
    Map<String, Object> counts = (Map<String, Object>) data.getOrDefault("counts", Map.of());
    int n = 0;
    for (Map.Entry<String, Object> e : counts.entrySet()) {
      if (isAction(e.getKey().substring(e.getKey().indexOf('.') + 1))) {
        n += ((Number) e.getValue()).intValue();
      }
    }
    return n;
  }

  /** Sets the end time and the summary: found, acted, skipped, failed. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> finish() {
    Map<String, Object> counts = (Map<String, Object>) data.getOrDefault("counts", Map.of());
    int acted = 0;
    int skipped = 0;
    int failed = 0;
    for (Map.Entry<String, Object> e : counts.entrySet()) {
      String action = e.getKey().substring(e.getKey().indexOf('.') + 1);
      int n = ((Number) e.getValue()).intValue();
      if (isAction(action)) {
        acted += n;
      } else if ("failed".equals(action)) {
        failed += n;
      } else {
        skipped += n;
      }
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("found", acted + skipped + failed);
    summary.put("acted", acted);
    summary.put("skipped", skipped);
    summary.put("failed", failed);
    data.put("summary", summary);
    data.remove(CANDIDATES);
    data.put("finishedAt", Instant.now().toString());
    return summary;
  }

  public Map<String, Object> data() {
    return data;
  }

  static boolean isAction(String action) {
    return List.of("routed", "closed", "replayed", "set").contains(action);
  }
}
