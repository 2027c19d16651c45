package dev.mailgate.server.audit;

import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's entries waiting to be written, bounded: at most one batch is written at a time (up
 * to {@link AuditPolicy#batchSize} entries, one statement), and a batch that fails stays at the head
 * and is tried again after a backoff, up to {@link AuditPolicy#attempts} times, then given up.
 * Entries that find the buffer full are refused. Both losses are counted and logged (counts only;
 * refusals at most every 10 s per tenant).
 * Called from any event loop; every state change holds this object's lock, never across I/O.
 */
final class TenantAuditBuffer {

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  private static final long MAX_BACKOFF_NANOS = 30_000_000_000L;
  /** Entries refused by a full buffer are reported at most this often per tenant (a count since the last report). */
  private static final long REPORT_EVERY_NANOS = 10_000_000_000L;

  private final Tenant tenant;
  private final AuditTrail trail;
  private final AuditPolicy policy;
  private final ArrayDeque<AuditRecord> pending = new ArrayDeque<>();
  /** The batch that failed and waits for its next attempt, or null. */
  private List<AuditRecord> failed;
  private int attempts;
  private long retryAtNanos;
  /** The write in flight, or null. */
  private Future<Void> writing;
  /** Entries refused since the last report because the buffer was full. */
  private long refused;
  /** When refused entries were last reported; null before the first report. */
  private Long reportedNanos;

  TenantAuditBuffer(Tenant tenant, AuditTrail trail, AuditPolicy policy) {
    this.tenant = tenant;
    this.trail = trail;
    this.policy = policy;
  }

  /** Adds one entry, or counts it lost if the buffer is full; starts a write once a batch is waiting. */
  void add(AuditRecord record) {
    boolean start;
    synchronized (this) {
      if (waiting() >= policy.maxPendingPerTenant() || !trail.reserve()) {
        refused++;
        trail.lost(1);
        return;
      }
      pending.add(record);
      start = writing == null && failed == null && pending.size() >= policy.batchSize();
    }
    if (start) {
      write();
    }
  }

  /** The periodic flush: writes what is waiting, or tries the failed batch again once its backoff has passed. */
  void tick(long nowNanos) {
    boolean start;
    long lost;
    synchronized (this) {
      start = writing == null && (failed != null ? nowNanos - retryAtNanos >= 0 : !pending.isEmpty());
      boolean report = refused > 0 && (reportedNanos == null || nowNanos - reportedNanos >= REPORT_EVERY_NANOS);
      lost = report ? refused : 0;
      if (report) {
        refused = 0;
        reportedNanos = nowNanos;
      }
    }
    if (lost > 0) {
      log.warn("tenant={} audit trail lost {} entries since its last report: its buffer was full ({} entries"
          + " waiting at most per tenant); is its database down?", tenant.id(), lost, policy.maxPendingPerTenant());
    }
    if (start) {
      write();
    }
  }

  /**
   * Writes what is waiting, at most {@code batches} writes, now (a failed batch is tried without
   * waiting for its backoff); stops at the first failure if {@code stopOnFailure}. Never fails.
   */
  Future<Void> drain(int batches, boolean stopOnFailure) {
    if (batches <= 0 || waiting() == 0) {
      return Future.succeededFuture();
    }
    return write().transform(done -> done.failed() && stopOnFailure
        ? Future.succeededFuture() : drain(batches - 1, stopOnFailure));
  }

  /** At shutdown, after the last drain: whatever still waits is lost, counted and logged. */
  void abandon() {
    int left;
    long unreported;
    synchronized (this) {
      left = waiting();
      pending.clear();
      failed = null;
      unreported = refused;
      refused = 0;
    }
    if (left > 0) {
      trail.release(left);
      trail.lost(left);
    }
    if (left + unreported > 0) {
      log.warn("tenant={} audit trail lost {} entries at shutdown: its database did not take them", tenant.id(),
          left + unreported);
    }
  }

  /** How many batches hold what is waiting now. */
  int batchesWaiting() {
    return (waiting() + policy.batchSize() - 1) / policy.batchSize() + 1;
  }

  private synchronized int waiting() {
    return pending.size() + (failed == null ? 0 : failed.size());
  }

  /** Writes one batch (the failed one first), or joins the write in flight. */
  private Future<Void> write() {
    List<AuditRecord> batch;
    Promise<Void> done = Promise.promise();
    synchronized (this) {
      if (writing != null) {
        return writing;
      }
      if (failed != null) {
        batch = failed;
      } else {
        int size = Math.min(pending.size(), policy.batchSize());
        if (size == 0) {
          return Future.succeededFuture();
        }
        batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          batch.add(pending.poll());
        }
        failed = null;
      }
      writing = done.future();
    }
    trail.write(tenant, batch).onComplete(result -> {
      boolean more;
      synchronized (this) {
        writing = null;
        if (result.succeeded()) {
          failed = null;
          attempts = 0;
          more = pending.size() >= policy.batchSize();
        } else {
          more = false;
          attempts++;
          if (attempts >= policy.attempts()) {
            failed = null;
            attempts = 0;
          } else {
            failed = batch;
            long backoff = Math.min(policy.flushInterval().toNanos() << Math.min(attempts - 1, 20), MAX_BACKOFF_NANOS);
            retryAtNanos = System.nanoTime() + backoff;
          }
        }
      }
      if (result.succeeded()) {
        trail.written(tenant, batch.size());
        done.complete();
      } else {
        boolean givenUp;
        synchronized (this) {
          givenUp = failed == null;
        }
        if (givenUp) {
          trail.release(batch.size());
          trail.lost(batch.size());
          log.warn("tenant={} audit trail lost a batch of {} entries after {} failed attempts: {}", tenant.id(),
              batch.size(), policy.attempts(), AuditTrail.describe(result.cause()));
        } else {
          log.debug("tenant={} audit trail batch of {} entries not written, will try again: {}", tenant.id(),
              batch.size(), AuditTrail.describe(result.cause()));
        }
        done.fail(result.cause());
      }
      if (more) {
        write();
      }
    });
    return done.future();
  }
}
