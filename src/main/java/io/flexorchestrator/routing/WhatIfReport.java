package io.flexorchestrator.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The what-if's tally: per interaction, what the deployed table decides on its recorded inputs
 * against what the proposed table decides, grouped by (deployed rule, proposed rule, changed
 * outputs) with sample conversation SIDs, plus totals per rule and per output value.
 */
final class WhatIfReport {

  private final int sampleLimit;
  private int evaluated;
  private int changed;
  private int ruleOnly;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<String, int[]> byRule = new LinkedHashMap<>();
  private final Map<String, Map<String, Transition>> byOutput = new TreeMap<>();
  private final Map<String, Samples> failures = new LinkedHashMap<>();
  private final Samples recordedDiffers;
  private final Map<String, Integer> recordedVersions = new TreeMap<>();

  WhatIfReport(int sampleLimit) {
    this.sampleLimit = sampleLimit;
    this.recordedDiffers = new Samples(sampleLimit);
  }

  void add(String conversationSid, RoutingRecord record, RoutingOutcome deployed, RoutingOutcome proposed) {
    evaluated++;
    recordedVersions.merge(String.valueOf(record.version()), 1, Integer::sum);
    if (!deployed.ok() || !proposed.ok()) {
      String table = !proposed.ok() ? "proposed table: " + proposed.error() : "deployed table: " + deployed.error();
      failures.computeIfAbsent(table, k -> new Samples(sampleLimit)).add(conversationSid);
      return;
    }
    if (!Objects.equals(record.rule(), deployed.rule()) || !differences(record.outputs(), deployed.outputs()).isEmpty()) {
      recordedDiffers.add(conversationSid);
    }
    byRule.computeIfAbsent(deployed.rule(), r -> new int[2])[0]++;
    byRule.computeIfAbsent(proposed.rule(), r -> new int[2])[1]++;
    Map<String, Object[]> diff = differences(deployed.outputs(), proposed.outputs());
    if (diff.isEmpty()) {
      if (!Objects.equals(deployed.rule(), proposed.rule())) {
        ruleOnly++;
      }
      return;
    }
    changed++;
    StringBuilder key = new StringBuilder(deployed.rule() + "→" + proposed.rule());
    diff.forEach((name, values) -> {
      key.append('|').append(name).append('=').append(values[0]).append('→').append(values[1]);
      byOutput.computeIfAbsent(name, n -> new LinkedHashMap<>())
          .computeIfAbsent(values[0] + "→" + values[1], k -> new Transition(values[0], values[1])).count++;
    });
    groups.computeIfAbsent(key.toString(), k -> new Group(deployed.rule(), proposed.rule(), diff,
        new Samples(sampleLimit))).samples.add(conversationSid);
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("interactions", evaluated);
    json.put("changed", changed);
    json.put("unchanged", evaluated - changed - failedCount());
    json.put("sameOutputsOtherRule", ruleOnly);
    json.put("failed", failedCount());
    List<Map<String, Object>> changes = new ArrayList<>();
    groups.values().stream().sorted(Comparator.comparingInt((Group g) -> -g.samples.count))
        .forEach(group -> {
          Map<String, Object> item = new LinkedHashMap<>();
          item.put("count", group.samples.count);
          item.put("deployedRule", group.deployedRule);
          item.put("proposedRule", group.proposedRule);
          Map<String, Object> outputs = new LinkedHashMap<>();
          group.diff.forEach((name, values) -> outputs.put(name, transition(values[0], values[1])));
          item.put("outputs", outputs);
          item.put("samples", group.samples.sids);
          changes.add(item);
        });
    json.put("changes", changes);
    Map<String, Object> outputs = new LinkedHashMap<>();
    byOutput.forEach((name, transitions) -> outputs.put(name, transitions.values().stream()
        .sorted(Comparator.comparingInt((Transition t) -> -t.count))
        .map(t -> {
          Map<String, Object> item = transition(t.from, t.to);
          item.put("count", t.count);
          return item;
        }).toList()));
    json.put("byOutput", outputs);
    List<Map<String, Object>> rules = new ArrayList<>();
    byRule.forEach((rule, counts) -> {
      Map<String, Object> item = new LinkedHashMap<>();
      item.put("rule", rule);
      item.put("deployed", counts[0]);
      item.put("proposed", counts[1]);
      rules.add(item);
    });
    json.put("byRule", rules);
    List<Map<String, Object>> failed = new ArrayList<>();
    failures.forEach((error, samples) -> failed.add(Map.of("error", error, "count", samples.count,
        "samples", samples.sids)));
    json.put("failures", failed);
    json.put("recordedDiffers", Map.of("count", recordedDiffers.count, "samples", recordedDiffers.sids));
    json.put("recordedVersions", recordedVersions);
    return json;
  }

  private int failedCount() {
    return failures.values().stream().mapToInt(s -> s.count).sum();
  }

  private static Map<String, Object> transition(Object from, Object to) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("deployed", from);
    item.put("proposed", to);
    return item;
  }

  /** Output name → {deployed value, proposed value} for every output whose value differs. */
  static Map<String, Object[]> differences(Map<String, Object> deployed, Map<String, Object> proposed) {
    Set<String> names = new LinkedHashSet<>(deployed.keySet());
    names.addAll(proposed.keySet());
    Map<String, Object[]> diff = new LinkedHashMap<>();
    for (String name : names) {
      Object a = deployed.get(name);
      Object b = proposed.get(name);
      if (!OutputValues.same(a, b)) {
        diff.put(name, new Object[] {a, b});
      }
    }
    return diff;
  }

  private record Group(String deployedRule, String proposedRule, Map<String, Object[]> diff, Samples samples) {}

  private static final class Transition {
    final Object from;
    final Object to;
    int count;

    Transition(Object from, Object to) {
      this.from = from;
      this.to = to;
    }
  }

  /** A count with the first few conversation SIDs. */
  private static final class Samples {
    final int limit;
    final List<String> sids = new ArrayList<>();
    int count;

    Samples(int limit) {
      this.limit = limit;
    }

    void add(String sid) {
      count++;
      if (sids.size() < limit) {
        sids.add(sid);
      }
    }
  }
}
