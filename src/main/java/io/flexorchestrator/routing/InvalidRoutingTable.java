package io.flexorchestrator.routing;

/** A DMN file that is no usable routing table; the message tells the analyst why. */
public class InvalidRoutingTable extends RuntimeException {

  public InvalidRoutingTable(String message) {
    super(message);
  }

  public InvalidRoutingTable(String message, Throwable cause) {
    super(message, cause);
  }
}
