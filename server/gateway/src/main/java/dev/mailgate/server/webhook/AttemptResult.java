package dev.mailgate.server.webhook;

import java.util.Optional;

/**
 * How one attempt ended: the HTTP status of the answer (0 if there was none) and, unless it was a
 * 2xx, why it failed, in words that name no secret and no body.
 */
record AttemptResult(int statusCode, Optional<String> error) {

  static AttemptResult answered(int statusCode) {
    return new AttemptResult(statusCode, statusCode / 100 == 2 ? Optional.empty()
        : Optional.of("the endpoint answered HTTP " + statusCode));
  }

  static AttemptResult failed(String error) {
    return new AttemptResult(0, Optional.of(error));
  }

  boolean succeeded() {
    return error.isEmpty();
  }

  boolean gone() {
    return statusCode == 410;
  }
}
