package io.flexorchestrator.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.dmn.engine.DmnEngine;
import org.camunda.bpm.dmn.engine.DmnEngineConfiguration;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationEvent;
import org.camunda.bpm.dmn.engine.delegate.DmnDecisionTableEvaluationListener;

/**
 * Which rules of a decision table matched: a DMN decision table evaluation listener (public DMN
 * engine API) that hands the evaluation event to whoever opened a {@link Capture} on the same
 * thread. A decision result alone does not name its rule; the what-if, the routing test cases and
 * the lifecycle's routing record all need it. Registered in the process engine's DMN engine by
 * {@link RoutingEnginePlugin}, and in {@link #standaloneEngine()} for tests without a process engine.
 * With nothing captured on the thread, an evaluation costs one thread-local read.
 */
public final class MatchedRules implements DmnDecisionTableEvaluationListener {

  public static final MatchedRules LISTENER = new MatchedRules();

  private static final ThreadLocal<Capture> CURRENT = new ThreadLocal<>();

  private MatchedRules() {
  }

  @Override
  public void notify(DmnDecisionTableEvaluationEvent event) {
    Capture capture = CURRENT.get();
    if (capture != null && event.getDecisionTable() != null) {
      capture.events.put(event.getDecisionTable().getKey(), event);
    }
  }

  /** Starts capturing the decision table evaluations of this thread until the capture is closed. */
  public static Capture open() {
    Capture capture = new Capture(CURRENT.get());
    CURRENT.set(capture);
    return capture;
  }

  /**
   * Like {@link #open()}, but first drops whatever an earlier evaluation on this thread left open
   * (a lifecycle's routing task that failed between its start and end listeners).
   */
  public static Capture reopen() {
    CURRENT.remove();
    return open();
  }

  /** The capture open on this thread, or null. */
  public static Capture current() {
    return CURRENT.get();
  }

  /** A DMN engine with the default configuration of the process engine's, plus this listener. */
  public static DmnEngine standaloneEngine() {
    return register(DmnEngineConfiguration.createDefaultDmnEngineConfiguration()).buildEngine();
  }

  /** Adds this listener to a DMN engine configuration (once) and returns it. */
  public static DmnEngineConfiguration register(DmnEngineConfiguration configuration) {
    List<DmnDecisionTableEvaluationListener> listeners =
        configuration.getCustomPostDecisionTableEvaluationListeners();
    if (listeners == null) {
      configuration.setCustomPostDecisionTableEvaluationListeners(new java.util.ArrayList<>(List.of(LISTENER)));
    } else if (!listeners.contains(LISTENER)) {
      listeners.add(LISTENER);
    }
    return configuration;
  }

  /** The evaluations of one thread between {@link #open()} and {@link #close()}. */
  public static final class Capture implements AutoCloseable {

    private final Capture outer;
    private final Map<String, DmnDecisionTableEvaluationEvent> events = new HashMap<>();

    private Capture(Capture outer) {
      this.outer = outer;
    }

    /** The last evaluation of the decision table with this key, or null. */
    public DmnDecisionTableEvaluationEvent event(String decisionKey) {
      return events.get(decisionKey);
    }

    @Override
    public void close() {
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
    }
  }
}
