package dev.mailgate.server.api;

import dev.mailgate.server.auth.Caller;
import dev.mailgate.server.limits.TenantLimiter;

/** A call that passed its caller check and its limits: who calls, its one message, and its in-flight slot. */
record Admission<Req>(Caller caller, Req message, TenantLimiter limiter, boolean entered) {
  /** Gives the in-flight slot back; called exactly once per admitted call. */
  void release() {
    if (entered) {
      limiter.exit();
    }
  }
}
