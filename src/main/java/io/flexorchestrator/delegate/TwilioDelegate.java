package io.flexorchestrator.delegate;

import com.twilio.http.TwilioRestClient;
import io.flexorchestrator.twilio.TwilioErrors;
import io.flexorchestrator.twilio.TwilioGateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.camunda.bpm.engine.delegate.BpmnError;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every Twilio-calling delegate shares: the REST client, the conversation SID in the log
 * context, latency/error metrics by operation, and the error policy — 429, 5xx and connection
 * failures are rethrown for the job's retry cycle (then an incident), business outcomes are BPMN
 * errors raised by the delegate itself. A failed call is logged as one line (the engine logs the
 * job's stack trace only when its retries are used up, application.yaml).
 */
public abstract class TwilioDelegate implements JavaDelegate {

  public static final String CONVERSATION_CLOSED = "CONVERSATION_CLOSED";
  private static final Logger log = LoggerFactory.getLogger(TwilioDelegate.class);

  private final TwilioGateway gateway;
  private final MeterRegistry meters;

  protected TwilioDelegate(TwilioGateway gateway, MeterRegistry meters) {
    this.gateway = gateway;
    this.meters = meters;
  }

  /** The operation's name in metrics, e.g. {@code create-interaction}. */
  protected abstract String operation();

  protected abstract void run(DelegateExecution execution, TwilioRestClient client);

  @Override
  public final void execute(DelegateExecution execution) {
    String conversationSid = execution.getBusinessKey();
    // an inbox apply may run this synchronously with its own conversationSid in the MDC: restore it
    String previous = MDC.get("conversationSid");
    MDC.put("conversationSid", conversationSid);
    Timer.Sample sample = Timer.start(meters);
    String outcome = "ok";
    try {
      run(execution, gateway.client());
    } catch (BpmnError business) {
      outcome = "business-error";
      throw business;
    } catch (RuntimeException e) {
      outcome = TwilioErrors.isRetryable(e) ? "retryable" : "failed";
      log.warn("Twilio {} for {} failed: {} (the job is retried on its cycle, then an incident)",
          operation(), conversationSid, TwilioErrors.describe(e));
      throw e;
    } finally {
      sample.stop(Timer.builder("orchestrator.twilio.calls")
          .description("Twilio actions of the lifecycle, by operation and outcome")
          .tag("operation", operation()).tag("outcome", outcome).register(meters));
      if (previous == null) {
        MDC.remove("conversationSid");
      } else {
        MDC.put("conversationSid", previous);
      }
    }
  }

  protected static String string(DelegateExecution execution, String name) {
    Object value = execution.getVariable(name);
    return value == null ? null : value.toString();
  }
}
