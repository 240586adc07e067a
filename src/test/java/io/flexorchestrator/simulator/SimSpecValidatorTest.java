package io.flexorchestrator.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.LinkedMultiValueMap;

/** The spec validation on its own: form bodies typed by their schema, unknown parameters, enums. */
class SimSpecValidatorTest {

  static SpecValidator validator;

  @BeforeAll
  static void load() {
    validator = new SpecValidator();
  }

  private static SpecValidator.Result form(String product, String method, String path, String body) {
    return validator.validate(product, method, path, new LinkedMultiValueMap<>(),
        "application/x-www-form-urlencoded", body, Map.of());
  }

  @Test
  void keepsPhoneNumbersAndNumericBodiesAsStrings() {
    // the library alone would type +15550001 and 123 as numbers and fail type: string
    assertThat(form("conversations", "POST",
        "/v1/Conversations/CH0123456789abcdef0123456789abcdef/Participants",
        "MessagingBinding.Address=%2B15550001&MessagingBinding.ProxyAddress=%2B15550002").valid()).isTrue();
    assertThat(form("conversations", "POST",
        "/v1/Conversations/CH0123456789abcdef0123456789abcdef/Messages",
        "Author=system&Body=123&Attributes=%7B%7D").valid()).isTrue();
    assertThat(form("conversations", "POST", "/v1/Conversations",
        "Attributes=true&FriendlyName=false").valid()).isTrue();
  }

  @Test
  void rejectsUnknownParametersWrongEnumsAndWrongTypes() {
    SpecValidator.Result bogus = form("conversations", "POST", "/v1/Conversations", "Bogus=1");
    assertThat(bogus.valid()).isFalse();
    assertThat(bogus.message()).contains("Bogus");
    SpecValidator.Result state = form("conversations", "POST",
        "/v1/Conversations/CH0123456789abcdef0123456789abcdef", "State=bogus");
    assertThat(state.message()).contains("bogus");
    SpecValidator.Result status = form("flex-api", "POST",
        "/v1/Interactions/KD0123456789abcdef0123456789abcdef/Channels/UO0123456789abcdef0123456789abcdef",
        "Status=open");
    assertThat(status.valid()).isFalse();
    SpecValidator.Result missing = form("flex-api", "POST",
        "/v1/Interactions/KD0123456789abcdef0123456789abcdef/Channels/UO0123456789abcdef0123456789abcdef",
        "Routing=%7B%7D");
    assertThat(missing.message()).contains("Status");
    SpecValidator.Result priority = form("taskrouter", "POST",
        "/v1/Workspaces/WS0123456789abcdef0123456789abcdef/Tasks", "Priority=high");
    assertThat(priority.valid()).isFalse();
    assertThat(form("taskrouter", "POST", "/v1/Workspaces/WS0123456789abcdef0123456789abcdef/Tasks",
        "Priority=5&Timeout=60&Attributes=%7B%7D&WorkflowSid=WW0123456789abcdef0123456789abcdef").valid())
        .isTrue();
  }

  @Test
  void checksSidPatternsQueryParametersPathsAndJsonBodies() {
    SpecValidator.Result sid = form("flex-api", "POST",
        "/v1/Interactions/KD0123456789abcdef0123456789abcdef/Channels/XX0123456789abcdef0123456789abcdef",
        "Status=closed");
    assertThat(sid.valid()).isFalse();
    LinkedMultiValueMap<String, String> query = new LinkedMultiValueMap<>();
    query.add("Foo", "1");
    assertThat(validator.validate("conversations", "GET", "/v1/Conversations", query, null, null,
        Map.of()).message()).contains("Foo");
    LinkedMultiValueMap<String, String> statuses = new LinkedMultiValueMap<>();
    statuses.add("AssignmentStatus", "pending");
    statuses.add("AssignmentStatus", "reserved");
    statuses.add("EvaluateTaskAttributes", "conversationSid == \"CH1\"");
    assertThat(validator.validate("taskrouter", "GET",
        "/v1/Workspaces/WS0123456789abcdef0123456789abcdef/Tasks", statuses, null, null, Map.of())
        .valid()).isTrue();
    assertThat(validator.validate("conversations", "GET", "/v1/Nothing", new LinkedMultiValueMap<>(),
        null, null, Map.of()).notFound()).isTrue();
    assertThat(validator.validate("flex-api", "POST", "/v1/Configuration", new LinkedMultiValueMap<>(),
        "application/json", "{\"account_sid\":\"AC1\",\"channel_configs\":[]}", Map.of()).valid()).isTrue();
  }
}
