package io.flexorchestrator.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/** A Twilio-shaped REST error: HTTP status plus Twilio error code and message. */
public class SimError extends RuntimeException {

  private final int status;
  private final int code;

  public SimError(int status, int code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public int code() {
    return code;
  }

  public Map<String, Object> body() {
    return body(status, code, getMessage());
  }

  public static Map<String, Object> body(int status, int code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", code);
    body.put("message", message);
    body.put("more_info", "https://www.twilio.com/docs/errors/" + code);
    body.put("status", status);
    return body;
  }

  public static SimError notFound(String path) {
    return new SimError(404, 20404, "The requested resource " + path + " was not found");
  }

  public static SimError invalid(String message) {
    return new SimError(400, 20001, message);
  }
}
