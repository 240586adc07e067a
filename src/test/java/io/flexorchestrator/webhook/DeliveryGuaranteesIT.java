package io.flexorchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.flexorchestrator.support.Sandbox;
import io.flexorchestrator.support.SandboxIT;
import io.flexorchestrator.support.WebhookClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * At-least-once delivery, reordering and a flaky Twilio: every interaction still ends right, and
 * no Interaction, Invite or message is made twice.
 */
class DeliveryGuaranteesIT extends SandboxIT {

  private static final int INTERACTIONS = Integer.getInteger("it.guarantees.interactions", 250);
  private static final int EVENTS_PER_INTERACTION = 34;

  @Autowired HistoryService history;
  @Autowired RuntimeService runtime;
  private Sandbox sandbox;

  @BeforeEach
  void setUp() {
    sandbox = new Sandbox(sim(), history);
  }

  @AfterEach
  void faultsOff() {
    sim().put("/sim/control/faults", Map.of("rate", 0, "statuses", List.of()));
  }

  @Test
  void tenThousandDuplicatedAndShuffledTaskRouterEventsEndEveryInteractionExactlyOnce() throws Exception {
    sandbox.agents("manual"); // this test plays TaskRouter itself
    List<String> conversations = inboundInParallel(INTERACTIONS);
    Map<String, JsonNode> tasks = new LinkedHashMap<>();
    for (String ch : conversations) {
      sandbox.awaitTask(ch, "pending");
      tasks.put(ch, sandbox.tasks(ch).get(0));
    }

    Random random = new Random(42);
    List<List<Map<String, String>>> perInteraction = new ArrayList<>();
    tasks.forEach((ch, task) -> perInteraction.add(shuffled(events(task, random), random)));
    List<Delivery> deliveries = interleave(perInteraction, random);
    // default size: 250 interactions × 34 events + ~20% repeats ≈ 10,200 deliveries
    assertThat(deliveries.size()).isGreaterThan(INTERACTIONS * EVENTS_PER_INTERACTION);

    ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    WebhookClient client = webhooks();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (Delivery delivery : deliveries) {
      pool.execute(() -> statuses.add(client.post("/webhooks/taskrouter", delivery.params(),
          client.sign("/webhooks/taskrouter", delivery.params()), delivery.token()).statusCode()));
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).isTrue();
    assertThat(statuses).hasSize(deliveries.size()).allMatch(s -> s == 204);

    await().atMost(Duration.ofMinutes(4)).until(() -> history.createHistoricProcessInstanceQuery()
        .processInstanceBusinessKeyIn(conversations.toArray(String[]::new)).finished().count()
        == conversations.size());
    for (String ch : conversations) {
      assertThat(sandbox.awaitOutcome(ch)).as(ch).isEqualTo("completed");
      assertThat(sandbox.instances(ch)).as(ch).isEqualTo(1);
    }
    assertExactlyOnceEffects(conversations);
  }

  @Test
  void twentyPercentTwilioFaultsStillGiveEachConversationExactlyOneInteraction() throws Exception {
    sandbox.agents("auto");
    // one Twilio call in five fails: 429s and half the 5xx before anything happens, the other half
    // of the 5xx on writes after the state changed (the answer is lost, the effect is not); on
    // for the whole lifecycle, routing through accept, wrapup and the channel's closing
    sim().put("/sim/control/faults", Map.of("rate", 0.2, "statuses", List.of(429, 500, 503),
        "latencyMs", 5, "applyThenFailShare", 0.5));
    List<String> conversations = inboundInParallel(Integer.getInteger("it.faults.conversations", 200));
    try {
      await().atMost(Duration.ofMinutes(6)).until(() -> history.createHistoricProcessInstanceQuery()
          .processInstanceBusinessKeyIn(conversations.toArray(String[]::new)).finished().count()
          == conversations.size());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      Map<String, Long> where = new java.util.TreeMap<>();
      conversations.forEach(ch -> runtime.createProcessInstanceQuery().processInstanceBusinessKey(ch)
          .list().forEach(pi -> where.merge(String.join(",", runtime.getActiveActivityIds(pi.getId())), 1L, Long::sum)));
      throw new AssertionError("still running, by activity: " + where + "; incidents: "
          + runtime.createIncidentQuery().count() + "; jobs: "
          + managementJobs(), e);
    }
    JsonNode injected = sim().get("/sim/control/faults").json();
    faultsOff();
    long afterApply = injected.get("injectedAfterApply").asLong();
    assertThat(afterApply).as("faults answered after applying").isPositive();
    assertThat(injected.get("injected").asLong() - afterApply).as("faults that changed nothing").isPositive();

    for (String ch : conversations) {
      assertThat(sandbox.awaitOutcome(ch)).isEqualTo("completed");
    }
    assertExactlyOnceEffects(conversations);
    assertThat(runtime.createIncidentQuery().count()).as("incidents once retries finished").isZero();
  }

  @Autowired org.camunda.bpm.engine.ManagementService management;

  private String managementJobs() {
    return management.createJobQuery().count() + " (" + management.createJobQuery().withRetriesLeft()
        .executable().count() + " executable)";
  }

  private List<String> inboundInParallel(int count) throws InterruptedException {
    List<String> conversations = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    IntStream.range(0, count).forEach(i ->
        pool.execute(() -> conversations.add(sandbox.inbound(Sandbox.newCustomer()))));
    pool.shutdown();
    assertThat(pool.awaitTermination(3, TimeUnit.MINUTES)).isTrue();
    assertThat(new HashSet<>(conversations)).hasSize(count);
    return new ArrayList<>(conversations);
  }

  /** One Interaction, no Invite, one greeting per conversation; nothing dead-lettered. */
  private void assertExactlyOnceEffects(List<String> conversations) {
    for (String ch : conversations) {
      Set<String> interactions = new HashSet<>();
      sandbox.tasks(ch).forEach(t -> interactions.add(t.get("interactionSid").asText()));
      assertThat(interactions).as("interactions of " + ch).hasSize(1);
      JsonNode interaction = sandbox.interaction(interactions.iterator().next());
      assertThat(interaction.get("channels").get(0).get("invites")).as("invites of " + ch).isEmpty();
      long greetings = 0;
      for (JsonNode message : sandbox.conversation(ch).get("messages")) {
        if ("Contact Center".equals(message.path("author").asText())) {
          greetings++;
        }
      }
      assertThat(greetings).as("greetings in " + ch).isEqualTo(1);
    }
    for (JsonNode dead : operator().get("/api/inbox?status=DEAD&limit=1000").json()) {
      assertThat(conversations).as("dead-lettered: " + dead).doesNotContain(dead.path("CONVERSATION_SID").asText());
    }
  }

  record Delivery(Map<String, String> params, String token) {}

  /** What TaskRouter sends for one task that an agent rejects, then accepts and completes. */
  private static List<Map<String, String>> events(JsonNode task, Random random) {
    String taskSid = task.get("sid").asText();
    String attributes = task.get("attributes").toString();
    String worker = "WK5a5db0c5a5db0c5a5db0c5a5db0c0001";
    String rejected = sid("WR", random);
    String accepted = sid("WR", random);
    List<String[]> script = List.of(
        new String[] {"task.created", null}, new String[] {"workflow.entered", null},
        new String[] {"workflow.target-matched", null}, new String[] {"task-queue.entered", null},
        new String[] {"reservation.created", rejected}, new String[] {"reservation.rejected", rejected},
        new String[] {"task.updated", null}, new String[] {"reservation.created", accepted},
        new String[] {"reservation.accepted", accepted}, new String[] {"task.updated", null},
        new String[] {"worker.activity.update", null}, new String[] {"worker.channel.availability.update", null},
        new String[] {"task.wrapup", null}, new String[] {"reservation.wrapup", accepted},
        new String[] {"task.completed", null}, new String[] {"reservation.completed", accepted},
        new String[] {"task-queue.moved", null}, new String[] {"worker.activity.update", null},
        new String[] {"task.updated", null}, new String[] {"workflow.completed", null},
        // the rest of what a busy workspace sends: acknowledged, never stored
        new String[] {"task-queue.entered", null}, new String[] {"task.updated", null},
        new String[] {"worker.activity.update", null}, new String[] {"worker.capacity.update", null},
        new String[] {"task-queue.moved", null}, new String[] {"workflow.target-matched", null},
        new String[] {"task.updated", null}, new String[] {"worker.channel.availability.update", null},
        new String[] {"task.transfer-initiated", null}, new String[] {"worker.attributes.update", null},
        new String[] {"task-queue.timeout", null}, new String[] {"workflow.entered", null},
        new String[] {"task.updated", null}, new String[] {"worker.activity.update", null});
    List<Map<String, String>> events = new ArrayList<>();
    long timestamp = System.currentTimeMillis() / 1000;
    for (String[] step : script) {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("EventType", step[0]);
      params.put("Sid", sid("EV", random));
      params.put("AccountSid", io.flexorchestrator.config.SandboxDefaults.ACCOUNT_SID);
      params.put("WorkspaceSid", io.flexorchestrator.config.SandboxDefaults.WORKSPACE_SID);
      params.put("Timestamp", Long.toString(timestamp++));
      params.put("TaskSid", taskSid);
      params.put("TaskAttributes", attributes);
      params.put("TaskChannelUniqueName", "chat");
      if (step[1] != null) {
        params.put("ReservationSid", step[1]);
        params.put("WorkerSid", worker);
      }
      events.add(params);
    }
    assertThat(events).hasSize(EVENTS_PER_INTERACTION);
    return events;
  }

  private static <T> List<T> shuffled(List<T> list, Random random) {
    List<T> copy = new ArrayList<>(list);
    Collections.shuffle(copy, random);
    return copy;
  }

  /** Round-robin across interactions; one delivery in five repeated (same token) a bit later. */
  private static List<Delivery> interleave(List<List<Map<String, String>>> perInteraction, Random random) {
    List<Delivery> out = new ArrayList<>();
    List<Delivery> repeats = new ArrayList<>();
    for (int i = 0; i < EVENTS_PER_INTERACTION; i++) {
      for (List<Map<String, String>> events : perInteraction) {
        Delivery delivery = new Delivery(events.get(i), "tok-" + events.get(i).get("Sid"));
        out.add(delivery);
        if (random.nextInt(5) == 0) {
          repeats.add(delivery);
        }
      }
      out.addAll(repeats);
      repeats.clear();
    }
    return out;
  }

  private static String sid(String prefix, Random random) {
    StringBuilder sid = new StringBuilder(prefix);
    for (int i = 0; i < 32; i++) {
      sid.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sid.toString();
  }
}
