package io.flexorchestrator.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The Flex account resources the orchestrator routes into (contract section 1). */
@ConfigurationProperties("flex")
public record FlexProperties(
    String workspaceSid, String workflowSid, String fallbackWorkflowSid, String chatServiceSid) {

  /** The workflow a re-route after a workflow timeout goes to: the fallback, else the default. */
  public String rerouteWorkflowSid() {
    return fallbackWorkflowSid != null && !fallbackWorkflowSid.isBlank()
        ? fallbackWorkflowSid : workflowSid;
  }
}
