package dev.mailgate.server.lifecycle;

/**
 * Where the gateway is between start and exit: STARTING until it serves every tenant and holds its
 * place in the cluster, SERVING, then DRAINING from the moment it is asked to stop (health reports
 * NOT_SERVING, event streams end, calls in flight finish). Only ever moves forward.
 */
public final class Lifecycle {

  /** The gateway's state. */
  public enum State { STARTING, SERVING, DRAINING }

  private volatile State state = State.STARTING;

  public State state() {
    return state;
  }

  public boolean serving() {
    return state == State.SERVING;
  }

  public boolean draining() {
    return state == State.DRAINING;
  }

  /** Started: ready for calls, unless it is already draining. */
  public synchronized void serve() {
    if (state == State.STARTING) {
      state = State.SERVING;
    }
  }

  /** Asked to stop. */
  public synchronized void drain() {
    state = State.DRAINING;
  }
}
