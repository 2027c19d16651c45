package dev.mailgate.server.audit;

import dev.mailgate.server.error.GatewayException;
import dev.mailgate.server.tenant.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records audited calls in their tenant's database without a database round trip per call: each
 * tenant's entries wait in a bounded buffer ({@link TenantAuditBuffer}) and are written in batches
 * of up to {@link AuditPolicy#batchSize} rows with one statement, when a batch is full or every
 * {@link AuditPolicy#flushInterval}, whichever comes first.
 *
 * <p>Memory is bounded: at most {@link AuditPolicy#maxPendingPerTenant} entries wait per tenant and
 * {@link AuditPolicy#maxPendingTotal} in all. When a tenant's database is down, its failed batch is
 * tried again with a backoff (1 s, 2 s, 4 s, ...) up to {@link AuditPolicy#attempts} times, then
 * given up; meanwhile new entries wait in the buffer until it is full, and those that find it full
 * are refused. Entries given up or refused are lost: counted ({@link #lost()}) and logged as counts
 * per tenant, never their content. {@link #close()} writes what is waiting (once the calls have ended).
 */
public final class AuditTrail {

  private final Vertx vertx;
  private final AuditPolicy policy;
  private final AuditStore store;
  private final AuditRetention retention;
  private final Map<String, TenantAuditBuffer> buffers = new ConcurrentHashMap<>();
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final long timer;
  private volatile boolean closed;

  public AuditTrail(Vertx vertx, AuditPolicy policy, AuditStore store) {
    this.vertx = vertx;
    this.policy = policy;
    this.store = store;
    this.retention = new AuditRetention(store, policy.sweepInterval());
    this.timer = policy.enabled() ? vertx.setPeriodic(policy.flushInterval().toMillis(), id -> tick()) : -1;
  }

  /** The policy it records with. */
  public AuditPolicy policy() {
    return policy;
  }

  /** Queues one entry for its tenant's next batch; never blocks, never fails (a full buffer loses it, counted). */
  public void record(Tenant tenant, AuditRecord record) {
    if (closed) {
      lost(1);
      return;
    }
    buffers.computeIfAbsent(tenant.id(), id -> new TenantAuditBuffer(tenant, this, policy)).add(record);
  }

  /**
   * Writes the tenant's entries waiting now (so that a listing sees every call that ended before
   * it); completes when they are written or a write failed. Never fails.
   */
  public Future<Void> flushed(Tenant tenant) {
    TenantAuditBuffer buffer = buffers.get(tenant.id());
    return buffer == null ? Future.succeededFuture() : buffer.drain(buffer.batchesWaiting(), true);
  }

  /** Stops the periodic flush and writes every tenant's waiting entries; never fails. */
  public Future<Void> close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> drained = buffers.values().stream()
        .map(buffer -> buffer.drain(buffer.batchesWaiting() + policy.attempts(), false)
            .onComplete(done -> buffer.abandon()))
        .toList();
    return Future.join(drained).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Batches written so far (one INSERT statement each). */
  public long batchesWritten() {
    return batches.get();
  }

  /** Entries written so far. */
  public long entriesWritten() {
    return rows.get();
  }

  /** Entries lost so far: refused by a full buffer, or in a batch given up. */
  public long lost() {
    return lost.get();
  }

  private void tick() {
    long now = System.nanoTime();
    buffers.values().forEach(buffer -> buffer.tick(now));
  }

  /** Takes a place for one waiting entry among all tenants'; false when there is none. */
  boolean reserve() {
    if (waiting.incrementAndGet() > policy.maxPendingTotal()) {
      waiting.decrementAndGet();
      return false;
    }
    return true;
  }

  /** Gives back the places of {@code count} entries no longer waiting. */
  void release(int count) {
    waiting.addAndGet(-count);
  }

  void lost(int count) {
    lost.addAndGet(count);
  }

  /** Writes one batch in the tenant's database (one statement). */
  Future<Void> write(Tenant tenant, List<AuditRecord> batch) {
    return tenant.withDatabase(db -> store.insert(db, batch));
  }

  /** A batch was written: counted, its places given back, and the tenant's retention swept if due. */
  void written(Tenant tenant, int count) {
    release(count);
    batches.incrementAndGet();
    rows.addAndGet(count);
    retention.sweepIfDue(tenant);
  }

  /** A failure, for a log line: its kind and SQLSTATE or ErrorInfo reason, never a message that could hold data. */
  static String describe(Throwable failure) {
    if (failure instanceof PgException pg) {
      return "PgException " + pg.getSqlState();
    }
    if (failure instanceof GatewayException gateway) {
      return gateway.reason().name();
    }
    return failure.getClass().getSimpleName();
  }
}
