package io.flexorchestrator.simulator;

/** The emulation of one Twilio product ({@code conversations}, {@code flex-api}, {@code taskrouter}). */
interface SimApi {

  String product();

  /** Handles a validated call, under the state lock. Throws {@link SimError} for Twilio errors. */
  SimResponse handle(SimRequest request);
}
