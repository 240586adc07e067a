package io.flexorchestrator.operations;

import io.flexorchestrator.checkup.CheckupRunner;
import io.flexorchestrator.checkup.DiagnosticsService;
import io.flexorchestrator.checkup.TwilioSetup;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * System checkup, diagnostics and Twilio set-up (contract section 4): {@code POST /api/checkup}
 * runs a sweep and answers its report; {@code GET /api/diagnostics/conversations/{CH}} and
 * {@code GET /api/diagnostics/addresses/{address}} answer the troubleshooting checklist;
 * {@code GET|POST /api/setup} checks or applies the Twilio configuration the app needs.
 */
@RestController
public class CheckupController {

  private final CheckupRunner checkup;
  private final DiagnosticsService diagnostics;
  private final TwilioSetup setup;

  public CheckupController(CheckupRunner checkup, DiagnosticsService diagnostics, TwilioSetup setup) {
    this.checkup = checkup;
    this.diagnostics = diagnostics;
    this.setup = setup;
  }

  /** 200 with the report; 202 with the process instance when the run takes longer than the wait. */
  @PostMapping("/api/checkup")
  public ResponseEntity<Map<String, Object>> checkup() {
    Map<String, Object> report = checkup.runAndWait();
    return ResponseEntity.status("running".equals(report.get("status")) ? 202 : 200).body(report);
  }

  @GetMapping("/api/diagnostics/conversations/{conversationSid}")
  public Map<String, Object> conversation(@PathVariable String conversationSid) {
    if (!io.flexorchestrator.webhook.Sids.is(conversationSid, "CH")) {
      throw ApiError.badRequest("conversationSid must be a CH… SID");
    }
    return diagnostics.conversation(conversationSid)
        .orElseThrow(() -> ApiError.notFound("unknown conversation " + conversationSid));
  }

  @GetMapping("/api/diagnostics/addresses/{address}")
  public Map<String, Object> address(@PathVariable String address) {
    if (address == null || address.isBlank() || address.length() > 256) {
      throw ApiError.badRequest("address must be a customer address, e.g. +15551230001 or whatsapp:+1555…");
    }
    Map<String, Object> answer = diagnostics.address(address.trim());
    if (((java.util.List<?>) answer.get("conversations")).isEmpty()) {
      throw ApiError.notFound("no conversation for that address");
    }
    return answer;
  }

  @GetMapping("/api/setup")
  public Map<String, Object> setupChecks() {
    return setup.checkNow().toJson();
  }

  @PostMapping("/api/setup")
  public Map<String, Object> applySetup() {
    return setup.apply();
  }
}
