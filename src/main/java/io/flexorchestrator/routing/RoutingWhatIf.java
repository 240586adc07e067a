package io.flexorchestrator.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.DecisionDefinition;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Routing what-if: what a changed routing table would have decided for the interactions of a past
 * window, against what the deployed table decides for them. Each lifecycle's recorded routing
 * inputs ({@link RoutingRecord}) go through both tables, in the process engine's DMN engine,
 * outside any engine command: nothing is deployed, stored, counted as an engine decision metric or
 * sent to Twilio. The deployed table is the newest deployed version of {@value RoutingTable#DECISION_KEY},
 * the one new conversations get. The answer also says which of the analysts' routing test cases
 * ({@link RoutingCasesFile}) the proposed table fails.
 */
@Service
public class RoutingWhatIf {

  /** The lifecycle models' history time to live: older routing records are gone. */
  public static final int MAX_DAYS = 30;
  public static final int MAX_SAMPLES = 100;

  private final RoutingEnginePlugin engine;
  private final RepositoryService repository;
  private final RoutingHistory history;
  private final int maxInteractions;
  private final Clock clock;
  private final RoutingCasesFile cases;
  private final Map<String, RoutingTable> deployedTables = new ConcurrentHashMap<>();

  @Autowired
  public RoutingWhatIf(RoutingEnginePlugin engine, RepositoryService repository, RoutingHistory history,
      RoutingCasesFile cases,
      @Value("${orchestrator.routing.what-if.max-interactions:50000}") int maxInteractions) {
    this(engine, repository, history, cases, maxInteractions, Clock.systemUTC());
  }

  RoutingWhatIf(RoutingEnginePlugin engine, RepositoryService repository, RoutingHistory history,
      RoutingCasesFile cases, int maxInteractions, Clock clock) {
    this.engine = engine;
    this.repository = repository;
    this.history = history;
    this.cases = cases;
    this.maxInteractions = maxInteractions;
    this.clock = clock;
  }

  /**
   * The what-if of a DMN file over the lifecycles started since {@code since}.
   *
   * @throws InvalidRoutingTable the file is no usable routing table (nothing else is done)
   * @throws IllegalArgumentException {@code since} is outside the last {@value #MAX_DAYS} days
   * @throws IllegalStateException no routing table is deployed
   */
  public Map<String, Object> run(byte[] dmnXml, Instant since, int samples) {
    Instant now = clock.instant();
    if (since.isAfter(now) || since.isBefore(now.minus(Duration.ofDays(MAX_DAYS)))) {
      throw new IllegalArgumentException("the window must start within the last " + MAX_DAYS
          + " days (the lifecycles' history is kept that long)");
    }
    RoutingTable proposed = RoutingTable.parse(engine.dmnEngine(), dmnXml);
    DecisionDefinition definition = repository.createDecisionDefinitionQuery()
        .decisionDefinitionKey(RoutingTable.DECISION_KEY).latestVersion().withoutTenantId().singleResult();
    if (definition == null) {
      throw new IllegalStateException("no routing table (" + RoutingTable.DECISION_KEY + ") is deployed");
    }
    RoutingTable deployed = deployedTables.computeIfAbsent(definition.getId(), this::deployedTable);

    RoutingHistory.Window window = history.since(since, maxInteractions);
    WhatIfReport report = new WhatIfReport(Math.max(1, Math.min(MAX_SAMPLES, samples)));
    Set<String> needed = proposed.inputVariables();
    Map<String, Integer> missing = new TreeMap<>();
    for (RoutingHistory.Routed routed : window.routed()) {
      Map<String, Object> inputs = new HashMap<>(routed.record().inputs());
      for (String name : needed) {
        if (!inputs.containsKey(name)) {
          missing.merge(name, 1, Integer::sum);
          inputs.put(name, null);
        }
      }
      report.add(routed.conversationSid(), routed.record(), deployed.evaluate(inputs), proposed.evaluate(inputs));
    }

    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("decision", RoutingTable.DECISION_KEY);
    answer.put("deployed", Map.of("id", definition.getId(), "version", definition.getVersion()));
    answer.put("since", since.toString());
    answer.put("until", now.toString());
    answer.put("lifecycles", window.lifecycles());
    answer.put("truncated", window.truncated());
    answer.putAll(report.toJson());
    answer.put("missingInputs", missing);
    answer.put("cases", cases.run(proposed));
    return answer;
  }

  private RoutingTable deployedTable(String definitionId) {
    try (InputStream xml = repository.getDecisionModel(definitionId)) {
      return RoutingTable.parse(engine.dmnEngine(), xml.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
