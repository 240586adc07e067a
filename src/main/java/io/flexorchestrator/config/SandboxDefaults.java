package io.flexorchestrator.config;

/**
 * The fixed identities of the sandbox: the simulator plays an account with these SIDs, and the app
 * uses them when no Twilio credentials are set. None of them is a secret.
 */
public final class SandboxDefaults {

  public static final String ACCOUNT_SID = "AC5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  public static final String AUTH_TOKEN = "sandbox0auth0token0not0a0secret0";
  public static final String WORKSPACE_SID = "WS5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  public static final String WORKFLOW_SID = "WW5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  /** A second workflow, used as the fallback after a workflow timeout. */
  public static final String FALLBACK_WORKFLOW_SID = "WW5a5db0c5a5db0c5a5db0c5a5db0c0002";
  public static final String CHAT_SERVICE_SID = "IS5a5db0c5a5db0c5a5db0c5a5db0c5a5d";
  public static final String ADMIN_USER = "demo";
  public static final String ADMIN_PASSWORD = "demo";
  /** The sandbox's key of customer pseudonyms: public, so refused outside the sandbox. */
  public static final String CUSTOMER_IDENTITY_KEY = "flex-orchestrator-default-customer-identity-key";

  private SandboxDefaults() {}
}
