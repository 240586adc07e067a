package io.flexorchestrator.delegate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.http.TwilioRestClient;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.logback.LogbackLoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

/** The conversation SID in the log context of a Twilio task, and what is left there afterwards. */
@ExtendWith(OutputCaptureExtension.class)
class TwilioDelegateLoggingTest {

  private static final Logger LOG = LoggerFactory.getLogger(TwilioDelegateLoggingTest.class);

  /** A Twilio task that logs, records the MDC it saw, and fails when asked to. */
  private static final class LoggingDelegate extends TwilioDelegate {
    final List<String> seen = new ArrayList<>();
    RuntimeException failure;

    LoggingDelegate() {
      super(mock(TwilioGateway.class), new SimpleMeterRegistry());
    }

    @Override
    protected String operation() {
      return "test-operation";
    }

    @Override
    protected void run(DelegateExecution execution, TwilioRestClient client) {
      seen.add(MDC.get("conversationSid"));
      LOG.info("calling Twilio for the test");
      if (failure != null) {
        throw failure;
      }
    }
  }

  private static DelegateExecution execution(String businessKey) {
    DelegateExecution execution = mock(DelegateExecution.class);
    when(execution.getBusinessKey()).thenReturn(businessKey);
    return execution;
  }

  @AfterEach
  void cleanUp() {
    MDC.clear();
  }

  @Test
  void restoresTheConversationSidOfTheCallerAfterwards() {
    LoggingDelegate delegate = new LoggingDelegate();
    MDC.put("conversationSid", "CHouter");
    delegate.execute(execution("CHinner"));
    assertThat(delegate.seen).containsExactly("CHinner");
    assertThat(MDC.get("conversationSid")).isEqualTo("CHouter");

    delegate.failure = new IllegalStateException("Twilio down");
    assertThatThrownBy(() -> delegate.execute(execution("CHinner"))).hasMessage("Twilio down");
    assertThat(MDC.get("conversationSid")).isEqualTo("CHouter");
  }

  @Test
  void leavesNoConversationSidBehindOnAJobThread() {
    new LoggingDelegate().execute(execution("CHjob"));
    assertThat(MDC.get("conversationSid")).isNull();
  }

  @Test
  void structuredLogLinesCarryTheConversationSid(CapturedOutput output) throws Exception {
    // Spring Boot's own console set-up, as the app gets it (main has no logback.xml): the test
    // classpath's logback-test.xml is hidden, or Boot would take it instead
    ClassLoader withoutTestConfig = new ClassLoader(getClass().getClassLoader()) {
      @Override
      public URL getResource(String name) {
        return name.startsWith("logback-test") ? null : super.getResource(name);
      }
    };
    MockEnvironment environment = new MockEnvironment()
        .withProperty("logging.structured.format.console", "ecs")
        .withProperty("spring.application.name", "flex-orchestrator");
    LogbackLoggingSystem logging = new LogbackLoggingSystem(withoutTestConfig);
    logging.beforeInitialize();
    logging.initialize(new LoggingInitializationContext(environment), null, null);
    try {
      new LoggingDelegate().execute(execution("CH0123456789abcdef0123456789abcdef"));
    } finally {
      logging.cleanUp();
      restoreTestLogging();
    }

    JsonNode line = null;
    for (String text : output.getOut().split("\\R")) {
      if (text.contains("calling Twilio for the test")) {
        line = new ObjectMapper().readTree(text);
      }
    }
    assertThat(line).as(output.getOut()).isNotNull();
    assertThat(line.get("message").asText()).isEqualTo("calling Twilio for the test");
    assertThat(line.get("conversationSid").asText())
        .isEqualTo("CH0123456789abcdef0123456789abcdef");
  }

  private static void restoreTestLogging() throws Exception {
    System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }
}
