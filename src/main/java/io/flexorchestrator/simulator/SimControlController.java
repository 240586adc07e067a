package io.flexorchestrator.simulator;

import io.flexorchestrator.simulator.SimModel.Conversation;
import io.flexorchestrator.simulator.SimModel.Task;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The simulator's control surface (contract section 5): customers writing in, TaskRouter actions,
 * conversation timers, virtual agents, faults, the request log, reset and read-only state views.
 * JSON in and out; bad input = 400 {@code {"error": ...}}.
 */
@RestController
@RequestMapping("/sim/control")
@ConditionalOnProperty(name = "orchestrator.sandbox", havingValue = "true")
public class SimControlController {

  private static final Logger log = LoggerFactory.getLogger(SimControlController.class);

  private final SimState state;
  private final InboundMessages inbound;
  private final TaskEngine tasks;
  private final ConversationsEngine conversations;
  private final VirtualAgents agents;
  private final FaultInjector faults;
  private final RequestLog requestLog;
  private final WebhookSender webhooks;
  private final StateViews views;
  private final RealTimeTimers timers;

  public SimControlController(SimState state, InboundMessages inbound, TaskEngine tasks,
      ConversationsEngine conversations, VirtualAgents agents, FaultInjector faults,
      RequestLog requestLog, WebhookSender webhooks, StateViews views, RealTimeTimers timers) {
    this.state = state;
    this.inbound = inbound;
    this.tasks = tasks;
    this.conversations = conversations;
    this.agents = agents;
    this.faults = faults;
    this.requestLog = requestLog;
    this.webhooks = webhooks;
    this.views = views;
    this.timers = timers;
  }

  @PostMapping("/inbound")
  public ResponseEntity<Object> inbound(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    List<Map<String, Object>> media = null;
    Object rawMedia = b.get("media");
    if (rawMedia != null) {
      if (!(rawMedia instanceof List<?> list)) {
        return bad("media must be an array of {filename, contentType, size}");
      }
      media = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof Map<?, ?>)) {
          return bad("media must be an array of {filename, contentType, size}");
        }
        media.add(SimJson.map(o));
      }
    }
    Object attributes = b.get("attributes");
    if (attributes != null && !(attributes instanceof Map<?, ?>)) {
      return bad("attributes must be a JSON object (the conversation's attributes when it is created)");
    }
    return ResponseEntity.ok(inbound.receive(new InboundMessages.Inbound(string(b, "from"),
        string(b, "to"), string(b, "body"), string(b, "channel"), media,
        attributes == null ? null : SimJson.map(attributes))));
  }

  @PostMapping("/tasks/{taskSid}/{action}")
  public ResponseEntity<Object> taskAction(@PathVariable String taskSid, @PathVariable String action,
      @RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = body == null ? Map.of() : body;
    String workerSid = string(b, "workerSid");
    String reason = string(b, "reason");
    boolean silent = Boolean.FALSE.equals(b.get("webhooks"));
    if (!List.of("accept", "reject", "wrapup", "complete", "cancel", "timeout", "delete",
        "system-delete", "reserve", "reservation-timeout", "rescind").contains(action)) {
      return bad("unknown action " + action + " (accept, reject, wrapup, complete, cancel, timeout,"
          + " delete, system-delete, reserve, reservation-timeout, rescind)");
    }
    return state.locked(() -> {
      Task t = state.tasks.get(taskSid);
      if (t == null) {
        return error(404, "unknown task " + taskSid);
      }
      if (workerSid != null && !state.workers.containsKey(workerSid)) {
        return bad("unknown worker " + workerSid);
      }
      try {
        TaskRouterEvents.muted(silent, () -> ConversationEvents.muted(silent, () -> {
        switch (action) {
          case "reserve" -> tasks.reserve(t, workerSid != null ? workerSid : tasks.pickWorker(t));
          case "accept" -> tasks.accept(t, workerSid);
          case "reject" -> tasks.reject(t);
          case "reservation-timeout" -> tasks.reservationTimeout(t);
          case "rescind" -> tasks.rescindReservation(t);
          case "wrapup" -> tasks.wrapup(t, reason);
          case "complete" -> tasks.complete(t, reason);
          case "cancel" -> tasks.cancel(t, reason);
          case "timeout" -> tasks.workflowTimeout(t);
          case "delete" -> tasks.delete(t, false);
          case "system-delete" -> tasks.delete(t, true);
          default -> throw new IllegalStateException(action);
        }
        return null;
        }));
      } catch (SimError e) {
        return error(e.status() == 404 ? 404 : 409, e.getMessage());
      }
      return ResponseEntity.ok(views.tasks(null).stream()
          .filter(x -> taskSid.equals(x.get("sid"))).findFirst()
          .map(x -> (Object) x).orElse(Map.of("sid", taskSid, "status", "deleted")));
    });
  }

  @PostMapping("/conversations/{sid}/timer")
  public ResponseEntity<Object> timer(@PathVariable String sid,
      @RequestBody(required = false) Map<String, Object> body) {
    String to = string(required(body), "to");
    if (!"inactive".equals(to) && !"closed".equals(to)) {
      return bad("to must be inactive or closed");
    }
    return state.locked(() -> {
      Conversation c = state.conversation(sid);
      if (c == null) {
        return error(404, "unknown conversation " + sid);
      }
      if (!c.open()) {
        return error(409, "conversation " + sid + " is already closed");
      }
      if (to.equals(c.state)) {
        return error(409, "conversation " + sid + " is already " + to);
      }
      conversations.changeState(c, to, "TIMER");
      return ResponseEntity.ok((Object) Map.of("conversationSid", c.sid, "state", c.state));
    });
  }

  /**
   * {@code POST /sim/control/conversations/{sid}/age {"seconds": n}}: the conversation's messages so
   * far are back-dated by {@code n} seconds (e.g. 90000 puts the customer's last WhatsApp message
   * outside the 24-hour window). Per conversation: nothing global to restore.
   */
  @PostMapping("/conversations/{sid}/age")
  public ResponseEntity<Object> age(@PathVariable String sid,
      @RequestBody(required = false) Map<String, Object> body) {
    Object raw = required(body).get("seconds");
    if (!(raw instanceof Number n) || n.longValue() <= 0) {
      return bad("seconds must be a number > 0");
    }
    long seconds = n.longValue();
    return state.locked(() -> {
      Conversation c = state.conversation(sid);
      if (c == null) {
        return error(404, "unknown conversation " + sid);
      }
      c.messages.forEach(m -> {
        m.dateCreated = m.dateCreated.minusSeconds(seconds);
        m.dateUpdated = m.dateUpdated.minusSeconds(seconds);
      });
      return ResponseEntity.ok((Object) Map.of("conversationSid", c.sid, "messages", c.messages.size(),
          "agedSeconds", seconds));
    });
  }

  /**
   * A conversation created "behind the app's back": in the default chat service, with the
   * customer's binding and a first message, but no webhook at all (no scoped webhook, no
   * post-events). {@code ageSeconds} back-dates it. 200 {@code {"conversationSid","messageSid"}}.
   */
  @PostMapping("/conversations")
  public ResponseEntity<Object> orphan(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    String from = string(b, "from");
    String to = string(b, "to");
    String channel = b.containsKey("channel") ? string(b, "channel") : "sms";
    if (from == null || from.isBlank() || (!"chat".equals(channel) && (to == null || to.isBlank()))) {
      return bad("from (and to, except for chat) are required");
    }
    long age = millis(b, "ageSeconds", 0);
    String text = b.containsKey("body") ? string(b, "body") : "hello?";
    return state.locked(() -> ConversationEvents.muted(true, () -> {
      String address = "whatsapp".equals(channel) && !from.startsWith("whatsapp:") ? "whatsapp:" + from : from;
      String proxy = to == null ? null : "whatsapp".equals(channel) && !to.startsWith("whatsapp:") ? "whatsapp:" + to : to;
      boolean chat = "chat".equals(channel);
      if (!chat && conversations.openConversationOfBinding(address, proxy) != null) {
        return error(409, "the binding is already in a non-closed conversation");
      }
      Conversation c = conversations.create(state.defaultChatServiceSid, null, null, "{}", null,
          chat ? "SDK" : "SMS");
      conversations.addParticipant(c, chat ? from : null, chat ? null : address, chat ? null : proxy,
          "{}", null, "API");
      var m = conversations.addMessage(c, chat ? from : address, text, "{}", null, null,
          chat ? "SDK" : "SMS", chat ? from : null);
      java.time.Instant then = java.time.Instant.now().minusSeconds(age);
      c.dateCreated = then;
      c.dateUpdated = then;
      m.dateCreated = then;
      m.dateUpdated = then;
      c.participants.values().forEach(p -> {
        p.dateCreated = then;
        p.dateUpdated = then;
      });
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("conversationSid", c.sid);
      answer.put("messageSid", m.sid);
      return ResponseEntity.ok((Object) answer);
    }));
  }

  /** Account-wide settings the set-up checks read: default chat service, workspace callback. */
  @GetMapping("/account")
  public Map<String, Object> account() {
    return state.locked(() -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("defaultChatServiceSid", state.defaultChatServiceSid);
      m.put("eventCallbackUrl", state.workspace.eventCallbackUrl);
      m.put("eventsFilter", state.workspace.eventsFilter);
      return m;
    });
  }

  @PutMapping("/account")
  public ResponseEntity<Object> configureAccount(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    state.locked(() -> {
      if (b.containsKey("defaultChatServiceSid")) {
        state.defaultChatServiceSid = string(b, "defaultChatServiceSid");
      }
      if (b.containsKey("eventCallbackUrl")) {
        state.workspace.eventCallbackUrl = string(b, "eventCallbackUrl");
      }
      if (b.containsKey("eventsFilter")) {
        state.workspace.eventsFilter = string(b, "eventsFilter");
      }
    });
    return ResponseEntity.ok(account());
  }

  @GetMapping("/agents")
  public Map<String, Object> agents() {
    return agents.settings().toJson();
  }

  @PutMapping("/agents")
  public ResponseEntity<Object> configureAgents(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    VirtualAgents.Settings current = agents.settings();
    String mode = b.containsKey("mode") ? string(b, "mode") : current.mode();
    if (!"auto".equals(mode) && !"manual".equals(mode)) {
      return bad("mode must be auto or manual");
    }
    VirtualAgents.Settings next = new VirtualAgents.Settings(mode,
        millis(b, "acceptAfterMs", current.acceptAfterMs()),
        millis(b, "wrapupAfterMs", current.wrapupAfterMs()),
        millis(b, "completeAfterMs", current.completeAfterMs()));
    agents.configure(next);
    return ResponseEntity.ok(next.toJson());
  }

  /**
   * {@code PUT /sim/control/lookups {"hideAddress": "+1555…"}} (or {@code "showAddress"}): the
   * ParticipantConversations lookup misses that address, as if its conversation were created
   * between an outbound's lookup and its participant add (the 50416 race).
   */
  @PutMapping("/lookups")
  public ResponseEntity<Object> configureLookups(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    if (b.get("hideAddress") instanceof String hide) {
      state.lookupHiddenAddresses.add(hide);
    }
    if (b.get("showAddress") instanceof String show) {
      state.lookupHiddenAddresses.remove(show);
    }
    return ResponseEntity.ok((Object) Map.of("hiddenAddresses", List.copyOf(state.lookupHiddenAddresses)));
  }

  @GetMapping("/faults")
  public Map<String, Object> faults() {
    Map<String, Object> answer = faults.faults().toJson();
    answer.put("injected", faults.injected());
    answer.put("injectedAfterApply", faults.injectedAfterApply());
    return answer;
  }

  @PutMapping("/faults")
  public ResponseEntity<Object> configureFaults(@RequestBody(required = false) Map<String, Object> body) {
    Map<String, Object> b = required(body);
    double rate = b.get("rate") instanceof Number n ? n.doubleValue() : -1;
    if (rate < 0 || rate > 1) {
      return bad("rate must be a number from 0 to 1");
    }
    List<Integer> statuses = new ArrayList<>();
    Object raw = b.getOrDefault("statuses", List.of(500));
    if (rate == 0 && raw instanceof List<?> none && none.isEmpty()) {
      raw = List.of(500); // faults off: the statuses do not matter, an empty list is fine
    }
    if (!(raw instanceof List<?> list) || list.isEmpty()) {
      return bad("statuses must be a non-empty array of HTTP statuses, e.g. [429, 500, 503]");
    }
    for (Object o : list) {
      if (!(o instanceof Number n) || n.intValue() < 400 || n.intValue() > 599) {
        return bad("statuses must be HTTP error statuses (400-599)");
      }
      statuses.add(n.intValue());
    }
    long latency = millis(b, "latencyMs", 0);
    Object applyThenFail = b.getOrDefault("applyThenFail", false);
    if (!(applyThenFail instanceof Boolean)) {
      return bad("applyThenFail must be a boolean");
    }
    Object rawShare = b.getOrDefault("applyThenFailShare", Boolean.TRUE.equals(applyThenFail) ? 1 : 0);
    double share = rawShare instanceof Number n ? n.doubleValue() : -1;
    if (share < 0 || share > 1) {
      return bad("applyThenFailShare must be a number from 0 to 1");
    }
    Object only = b.get("only");
    if (only != null && !(only instanceof String)) {
      return bad("only must be a regular expression over \"METHOD /path\", e.g. \"POST .*/Invites$\"");
    }
    if (only != null) {
      try {
        java.util.regex.Pattern.compile((String) only);
      } catch (java.util.regex.PatternSyntaxException e) {
        return bad("only is not a valid regular expression");
      }
    }
    Object rawCount = b.getOrDefault("count", 0);
    if (!(rawCount instanceof Number count) || count.longValue() < 0) {
      return bad("count must be a number >= 0 (0 = no limit)");
    }
    FaultInjector.Faults next = new FaultInjector.Faults(rate, statuses, latency, share,
        (String) only, count.longValue());
    faults.configure(next);
    log.info("sim faults: {}", next.toJson());
    return ResponseEntity.ok(next.toJson());
  }

  @GetMapping("/limits")
  public Map<String, Object> limits() {
    // rejected: Interactions creates answered 429 since the limit was last set
    return Map.of("interactionsPerSecond", faults.interactionsPerSecond(),
        "rejected", faults.interactionsRejected());
  }

  @PutMapping("/limits")
  public ResponseEntity<Object> configureLimits(@RequestBody(required = false) Map<String, Object> body) {
    Object v = required(body).get("interactionsPerSecond");
    if (!(v instanceof Number n) || n.intValue() < 0) {
      return bad("interactionsPerSecond must be a number >= 0 (0 = no limit)");
    }
    faults.limitInteractions(n.intValue());
    return ResponseEntity.ok(limits());
  }

  @GetMapping("/timers")
  public Map<String, Object> timers() {
    return Map.of("realTime", timers.enabled());
  }

  @PutMapping("/timers")
  public ResponseEntity<Object> configureTimers(@RequestBody(required = false) Map<String, Object> body) {
    Object v = required(body).get("realTime");
    if (!(v instanceof Boolean on)) {
      return bad("realTime must be a boolean");
    }
    timers.enable(on);
    return ResponseEntity.ok(timers());
  }

  @GetMapping("/requests")
  public List<Map<String, Object>> requests(@RequestParam(required = false) String path) {
    return requestLog.list(path);
  }

  @GetMapping("/webhooks")
  public List<Map<String, Object>> webhookDeliveries(
      @RequestParam(required = false) String eventType) {
    return webhooks.deliveries(eventType);
  }

  @PostMapping("/reset")
  public Map<String, Object> reset() {
    agents.reset();
    webhooks.reset();
    faults.reset();
    timers.enable(false);
    state.reset();
    requestLog.clear();
    log.info("sim: reset");
    return Map.of("reset", true);
  }

  @GetMapping("/state/conversations/{sid}")
  public ResponseEntity<Object> conversationState(@PathVariable String sid) {
    Map<String, Object> view = views.conversation(sid);
    return view == null ? error(404, "unknown conversation " + sid) : ResponseEntity.ok(view);
  }

  @GetMapping("/state/tasks")
  public List<Map<String, Object>> taskState(@RequestParam(required = false) String conversationSid) {
    return views.tasks(conversationSid);
  }

  @GetMapping("/state/interactions/{sid}")
  public ResponseEntity<Object> interactionState(@PathVariable String sid) {
    Map<String, Object> view = views.interaction(sid);
    return view == null ? error(404, "unknown interaction " + sid) : ResponseEntity.ok(view);
  }

  @GetMapping("/state/workers")
  public List<Map<String, Object>> workerState() {
    return views.workers();
  }

  @ExceptionHandler(HttpMessageNotReadableException.class)
  public ResponseEntity<Object> unreadable(HttpMessageNotReadableException e) {
    return bad("the body must be a JSON object");
  }

  @ExceptionHandler(IllegalArgumentException.class)
  public ResponseEntity<Object> illegal(IllegalArgumentException e) {
    return bad(e.getMessage());
  }

  @ExceptionHandler(SimError.class)
  public ResponseEntity<Object> simError(SimError e) {
    return error(e.status() >= 500 ? 500 : e.status(), e.getMessage());
  }

  @ExceptionHandler(RuntimeException.class)
  public ResponseEntity<Object> unexpected(RuntimeException e) {
    log.warn("sim control failed: {}", e.toString(), e);
    return error(500, "internal simulator error");
  }

  private static Map<String, Object> required(Map<String, Object> body) {
    if (body == null) {
      throw new IllegalArgumentException("a JSON object body is required");
    }
    return body;
  }

  private static String string(Map<String, Object> body, String name) {
    Object v = body.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(name + " must be a string");
    }
    return s;
  }

  private static long millis(Map<String, Object> body, String name, long fallback) {
    Object v = body.get(name);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.longValue() < 0) {
      throw new IllegalArgumentException(name + " must be a number of milliseconds >= 0");
    }
    return n.longValue();
  }

  private static ResponseEntity<Object> bad(String message) {
    return error(400, message);
  }

  private static ResponseEntity<Object> error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    return ResponseEntity.status(status).body(body);
  }
}
