package io.flexorchestrator.simulator;

/** What the emulation answers: HTTP status and a JSON body (null = no content). */
record SimResponse(int status, Object body) {

  static SimResponse ok(Object body) {
    return new SimResponse(200, body);
  }

  static SimResponse created(Object body) {
    return new SimResponse(201, body);
  }

  static SimResponse noContent() {
    return new SimResponse(204, null);
  }
}
