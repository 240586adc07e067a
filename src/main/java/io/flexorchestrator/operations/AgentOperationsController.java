package io.flexorchestrator.operations;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Agent operations (contract section 4): outbound, transfers, park/unpark, and the extension
 * {@code POST /api/interactions/{CH}/customers} (a further customer participant).
 */
@RestController
public class AgentOperationsController {

  private static final Pattern CH = Pattern.compile("CH[0-9a-fA-F]{32}");

  private final AgentOperations operations;

  public AgentOperationsController(AgentOperations operations) {
    this.operations = operations;
  }

  @PostMapping("/api/interactions/outbound")
  public ResponseEntity<Map<String, Object>> outbound(
      @RequestBody(required = false) Map<String, Object> body) {
    if (body == null) {
      throw ApiError.badRequest("a JSON body is required");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(operations.outbound(body));
  }

  @PostMapping("/api/interactions/{conversationSid}/transfers")
  public ResponseEntity<Map<String, Object>> transfer(@PathVariable String conversationSid,
      @RequestBody(required = false) Map<String, Object> body) {
    check(conversationSid);
    if (body == null) {
      throw ApiError.badRequest("a JSON body is required");
    }
    return ResponseEntity.accepted().body(operations.transfer(conversationSid, body));
  }

  @PostMapping("/api/interactions/{conversationSid}/park")
  public ResponseEntity<Map<String, Object>> park(@PathVariable String conversationSid) {
    check(conversationSid);
    operations.park(conversationSid);
    return ResponseEntity.accepted().body(Map.of("conversationSid", conversationSid, "state", "parked"));
  }

  @PostMapping("/api/interactions/{conversationSid}/unpark")
  public ResponseEntity<Map<String, Object>> unpark(@PathVariable String conversationSid,
      @RequestBody(required = false) Map<String, Object> body) {
    check(conversationSid);
    operations.unpark(conversationSid, body == null ? Map.of() : body);
    return ResponseEntity.accepted().body(Map.of("conversationSid", conversationSid, "state", "resuming"));
  }

  @PostMapping("/api/interactions/{conversationSid}/customers")
  public ResponseEntity<Map<String, Object>> addCustomer(@PathVariable String conversationSid,
      @RequestBody(required = false) Map<String, Object> body) {
    check(conversationSid);
    if (body == null) {
      throw ApiError.badRequest("a JSON body is required");
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(operations.addCustomer(conversationSid, body));
  }

  @ExceptionHandler(OperationConflict.class)
  ResponseEntity<Map<String, Object>> conflict(OperationConflict e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.put("conversationSid", e.conversationSid());
    return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
  }

  private static void check(String conversationSid) {
    if (!CH.matcher(conversationSid).matches()) {
      throw ApiError.notFound("unknown conversation " + conversationSid);
    }
  }
}
