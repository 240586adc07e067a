package io.flexorchestrator.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.history.HistoricVariableInstance;

/**
 * Drives the simulator the way a customer and TaskRouter would, and reads back what the
 * orchestrator did: the simulator's state and request log, and the lifecycle's history.
 */
public class Sandbox {

  private static final AtomicInteger NUMBERS = new AtomicInteger((int) (System.nanoTime() % 100_000));

  private final HttpJson sim;
  private final HistoryService history;

  public Sandbox(HttpJson sim, HistoryService history) {
    this.sim = sim;
    this.history = history;
  }

  /** A customer phone number no other test uses. */
  public static String newCustomer() {
    return String.format("+1555%07d", NUMBERS.incrementAndGet() % 10_000_000);
  }

  public void agents(String mode) {
    check(sim.put("/sim/control/agents", Map.of("mode", mode, "acceptAfterMs", 300,
        "wrapupAfterMs", 300, "completeAfterMs", 300)));
  }

  public String inbound(String from, String to, String channel) {
    return check(sim.post("/sim/control/inbound",
        Map.of("from", from, "to", to, "body", "hello", "channel", channel)))
        .json().get("conversationSid").asText();
  }

  public String inbound(String from) {
    return inbound(from, "+15550001111", "sms");
  }

  /** A customer's first message creating a conversation that carries these attributes. */
  public String inboundWithAttributes(String from, String to, Map<String, Object> attributes) {
    JsonNode reply = check(sim.post("/sim/control/inbound", Map.of("from", from, "to", to,
        "body", "hello", "channel", "sms", "attributes", attributes))).json();
    if (!reply.get("createdConversation").asBoolean()) {
      throw new AssertionError("expected a new conversation: " + reply);
    }
    return reply.get("conversationSid").asText();
  }

  public HttpJson.Reply task(String taskSid, String action) {
    return task(taskSid, action, Map.of());
  }

  public HttpJson.Reply task(String taskSid, String action, Map<String, Object> body) {
    return check(sim.post("/sim/control/tasks/" + taskSid + "/" + action, body));
  }

  public List<JsonNode> tasks(String conversationSid) {
    List<JsonNode> tasks = new ArrayList<>();
    check(sim.get("/sim/control/state/tasks?conversationSid=" + conversationSid)).json().forEach(tasks::add);
    return tasks;
  }

  /** Waits for the conversation's task with the given status and returns its SID. */
  public String awaitTask(String conversationSid, String status) {
    return awaitTask(conversationSid, t -> status.equals(t.get("status").asText()));
  }

  public String awaitTask(String conversationSid, Predicate<JsonNode> match) {
    String[] sid = new String[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      for (JsonNode task : tasks(conversationSid)) {
        if (match.test(task)) {
          sid[0] = task.get("sid").asText();
          return true;
        }
      }
      return false;
    });
    return sid[0];
  }

  public JsonNode conversation(String conversationSid) {
    return check(sim.get("/sim/control/state/conversations/" + conversationSid)).json();
  }

  public JsonNode interaction(String interactionSid) {
    return check(sim.get("/sim/control/state/interactions/" + interactionSid)).json();
  }

  public void timer(String conversationSid, String to) {
    check(sim.post("/sim/control/conversations/" + conversationSid + "/timer", Map.of("to", to)));
  }

  /** The REST calls the orchestrator made whose path or parameters mention {@code needle}. */
  public List<JsonNode> requests(String needle) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode request : check(sim.get("/sim/control/requests")).json()) {
      if (request.toString().contains(needle)) {
        matching.add(request);
      }
    }
    return matching;
  }

  public long count(List<JsonNode> requests, String method, String pathPart) {
    return requests.stream().filter(r -> r.get("method").asText().equals(method)
        && r.get("path").asText().contains(pathPart)).count();
  }

  /** Waits until the conversation's (latest) lifecycle has ended and returns its outcome. */
  public String awaitOutcome(String conversationSid) {
    String[] outcome = new String[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      List<HistoricProcessInstance> ended = history.createHistoricProcessInstanceQuery()
          .processInstanceBusinessKey(conversationSid).finished()
          .orderByProcessInstanceEndTime().desc().list();
      if (ended.isEmpty()) {
        return false;
      }
      HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
          .processInstanceId(ended.get(0).getId()).variableName("outcome").singleResult();
      outcome[0] = variable == null ? null : String.valueOf(variable.getValue());
      return true;
    });
    return outcome[0];
  }

  public Object variable(String conversationSid, String name) {
    HistoricProcessInstance latest = history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKey(conversationSid).orderByProcessInstanceStartTime().desc()
        .listPage(0, 1).get(0);
    HistoricVariableInstance variable = history.createHistoricVariableInstanceQuery()
        .processInstanceId(latest.getId()).variableName(name).singleResult();
    return variable == null ? null : variable.getValue();
  }

  public long instances(String conversationSid) {
    return history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(conversationSid).count();
  }

  private static HttpJson.Reply check(HttpJson.Reply reply) {
    if (reply.status() >= 300) {
      throw new AssertionError("simulator answered " + reply.status() + ": " + reply.body());
    }
    return reply;
  }
}
