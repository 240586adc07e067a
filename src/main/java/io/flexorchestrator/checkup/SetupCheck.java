package io.flexorchestrator.checkup;

import java.util.LinkedHashMap;
import java.util.Map;

/** One check of the Twilio set-up or of a diagnosis: a name, whether it passed, and why. */
public record SetupCheck(String name, boolean ok, String detail) {

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("ok", ok);
    m.put("detail", detail);
    return m;
  }
}
