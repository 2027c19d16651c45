package dev.mailgate.server.watch;

import dev.mailgate.server.crypto.SecretField;
import dev.mailgate.server.crypto.SecretUnreadableException;
import dev.mailgate.server.crypto.TokenCipher;
import dev.mailgate.server.tenant.Tenant;
import dev.mailgate.server.cluster.WatchLeases;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's watch state ({@code connection_watch}, {@code watched_messages}): each watched
 * connection's change-feed cursor and push subscription, and the labels last seen of the messages
 * its feed compares. Every method runs in the caller's client or transaction.
 *
 * <p>Fencing: every write takes the epoch of the writer's lease ({@link WatchLeases#UNFENCED} for a
 * node alone) and succeeds only if no higher epoch wrote before; a node that gains a lease raises
 * the stored epoch to its own first ({@link #claim}), so the node it took over from writes nothing
 * more.
 *
 * <p>A subscription's state (Graph's clientState: whoever knows it can make the gateway take
 * forged notifications) is stored encrypted with the tenant's keyset as the connection's
 * {@link SecretField#PUSH_STATE} (bound to tenant, connection and field, like its OAuth tokens),
 * base64url in the text column. A state that does not decrypt (plaintext from before it was
 * encrypted, a foreign or tampered value, a key gone from the keyset) reads as
 * {@link PushSubscription#unreadable}: the watcher subscribes the mailbox again. That also
 * migrates the plaintext rows of earlier versions, which SQL could not encrypt (the keys are not in
 * the database).
 */
final class WatchStore {

  private static final Logger log = LoggerFactory.getLogger(WatchStore.class);
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  /** A connection's stored watch: its cursor and push subscription. */
  record Stored(String cursor, Optional<PushSubscription> subscription) {}

  private static final String GET = """
      SELECT cursor, push_id, push_state, push_renew_at FROM {schema}.connection_watch WHERE connection_id = $1""";
  private static final String GET_ALL = """
      SELECT connection_id, cursor, push_id, push_state, push_renew_at FROM {schema}.connection_watch
      WHERE connection_id = ANY($1)""";
  private static final String CLAIM = """
      UPDATE {schema}.connection_watch w SET lease_epoch = c.epoch
      FROM unnest($1::uuid[], $2::bigint[]) AS c(id, epoch)
      WHERE w.connection_id = c.id AND w.lease_epoch <= c.epoch
      RETURNING w.connection_id, w.cursor, w.push_id, w.push_state, w.push_renew_at""";
  private static final String START = """
      INSERT INTO {schema}.connection_watch (connection_id, cursor, lease_epoch)
      SELECT id, $2, GREATEST($3::bigint, 0) FROM {schema}.connections WHERE id = $1
      ON CONFLICT (connection_id) DO NOTHING""";
  /** Moves the cursor only from where the caller read it (two readers never both advance it). */
  private static final String ADVANCE = """
      UPDATE {schema}.connection_watch SET cursor = $3, lease_epoch = GREATEST(lease_epoch, $4::bigint), update_time = now()
      WHERE connection_id = $1 AND cursor = $2 AND ($4::bigint < 0 OR lease_epoch <= $4::bigint)""";
  private static final String SAVE_PUSH = """
      UPDATE {schema}.connection_watch SET push_id = $2, push_state = $3, push_renew_at = $4
      WHERE connection_id = $1 AND ($5::bigint < 0 OR lease_epoch <= $5::bigint)""";
  private static final String KNOWN = """
      SELECT message_id, labels FROM {schema}.watched_messages WHERE connection_id = $1 AND message_id = ANY($2)""";
  private static final String ALL_KNOWN = """
      SELECT message_id, labels FROM {schema}.watched_messages WHERE connection_id = $1 ORDER BY message_id LIMIT $2""";
  private static final String REMEMBER = """
      INSERT INTO {schema}.watched_messages (connection_id, message_id, labels)
      SELECT $1, m.id, string_to_array(m.labels, E'\\x1f')
      FROM unnest($2::text[], $3::text[]) AS m(id, labels)
      ON CONFLICT (connection_id, message_id) DO UPDATE SET labels = EXCLUDED.labels""";
  private static final String FORGET = """
      DELETE FROM {schema}.watched_messages WHERE connection_id = $1 AND message_id = ANY($2)""";
  private static final String FORGET_ALL = "DELETE FROM {schema}.watched_messages WHERE connection_id = $1";

  /** The connection's stored watch, its push state decrypted with {@code cipher} (the tenant's). */
  Future<Optional<Stored>> get(SqlClient db, TokenCipher cipher, UUID connectionId) {
    return db.preparedQuery(GET).execute(Tuple.of(connectionId)).map(rows -> {
      if (rows.rowCount() == 0) {
        return Optional.empty();
      }
      return Optional.of(storedOf(rows.iterator().next(), cipher, connectionId));
    });
  }

  /** The stored watches of those of {@code connectionIds} that have one, in one query. */
  Future<Map<UUID, Stored>> getAll(SqlClient db, TokenCipher cipher, Collection<UUID> connectionIds) {
    if (connectionIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return db.preparedQuery(GET_ALL).execute(Tuple.tuple().addArrayOfUUID(connectionIds.toArray(UUID[]::new)))
        .map(rows -> {
          Map<UUID, Stored> stored = new HashMap<>();
          for (Row row : rows) {
            UUID id = row.getUUID("connection_id");
            stored.put(id, storedOf(row, cipher, id));
          }
          return stored;
        });
  }

  /**
   * For a node that just gained leases ({@code epochs} by connection): raises each stored epoch to the
   * lease's and answers the stored watches it raised. A connection left out has no stored watch yet,
   * or a higher epoch already wrote it (the lease moved on again).
   */
  Future<Map<UUID, Stored>> claim(SqlClient db, TokenCipher cipher, Map<UUID, Long> epochs) {
    if (epochs.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    UUID[] ids = epochs.keySet().toArray(UUID[]::new);
    Long[] values = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      values[i] = epochs.get(ids[i]);
    }
    return db.preparedQuery(CLAIM).execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfLong(values)).map(rows -> {
      Map<UUID, Stored> stored = new HashMap<>();
      for (Row row : rows) {
        UUID id = row.getUUID("connection_id");
        stored.put(id, storedOf(row, cipher, id));
      }
      return stored;
    });
  }

  private static Stored storedOf(Row row, TokenCipher cipher, UUID connectionId) {
    String sealed = row.getString("push_state");
    Optional<PushSubscription> subscription = Optional.empty();
    if (sealed != null) {
      Optional<String> id = Optional.ofNullable(row.getString("push_id"));
      subscription = Optional.of(open(cipher, connectionId, sealed)
          .map(state -> new PushSubscription(id, state, row.getOffsetDateTime("push_renew_at").toInstant()))
          .orElseGet(() -> PushSubscription.unreadable(id)));
    }
    return new Stored(row.getString("cursor"), subscription);
  }

  private static String seal(TokenCipher cipher, UUID connectionId, String state) {
    return BASE64URL.encodeToString(cipher.encrypt(connectionId, SecretField.PUSH_STATE, state));
  }

  private static Optional<String> open(TokenCipher cipher, UUID connectionId, String sealed) {
    try {
      return Optional.of(cipher.decrypt(connectionId, SecretField.PUSH_STATE, Base64.getUrlDecoder().decode(sealed)));
    } catch (IllegalArgumentException | SecretUnreadableException unreadable) {
      log.info("connection={} stored push subscription cannot be decrypted (written before it was encrypted, or "
          + "with a key no longer in the keyset): subscribing again", connectionId);
      return Optional.empty();
    }
  }

  /** Records the first cursor (a connection watched again keeps the one it has); whether it was recorded. */
  Future<Boolean> start(SqlClient tx, UUID connectionId, String cursor, long epoch) {
    return tx.preparedQuery(START).execute(Tuple.of(connectionId, cursor, epoch)).map(rows -> rows.rowCount() == 1);
  }

  /** Moves the cursor from {@code from} to {@code to}; false if it was not at {@code from} or a higher epoch wrote. */
  Future<Boolean> advance(SqlClient tx, UUID connectionId, String from, String to, long epoch) {
    return tx.preparedQuery(ADVANCE).execute(Tuple.of(connectionId, from, to, epoch)).map(rows -> rows.rowCount() == 1);
  }

  /** Stores the connection's subscription, its state encrypted with {@code cipher} (the tenant's); fenced by {@code epoch}. */
  Future<Void> savePush(SqlClient db, TokenCipher cipher, UUID connectionId, PushSubscription subscription, long epoch) {
    return db.preparedQuery(SAVE_PUSH).execute(Tuple.of(connectionId, subscription.id().orElse(null),
        seal(cipher, connectionId, subscription.state()), OffsetDateTime.ofInstant(subscription.renewAt(), ZoneOffset.UTC),
        epoch)).mapEmpty();
  }

  /** Applies a feed's {@link Changes#remember} and {@link Changes#forget}. */
  Future<Void> applyKnown(SqlClient tx, UUID connectionId, Changes changes, boolean forgetAll) {
    Future<Void> cleared = forgetAll
        ? tx.preparedQuery(FORGET_ALL).execute(Tuple.of(connectionId)).mapEmpty()
        : Future.succeededFuture();
    return cleared.compose(v -> changes.forget().isEmpty() ? Future.succeededFuture()
            : tx.preparedQuery(FORGET).execute(Tuple.tuple().addUUID(connectionId)
                .addArrayOfString(changes.forget().toArray(String[]::new))).mapEmpty())
        .compose(v -> {
          if (changes.remember().isEmpty()) {
            return Future.succeededFuture();
          }
          String[] ids = changes.remember().keySet().toArray(String[]::new);
          String[] labels = new String[ids.length];
          for (int i = 0; i < ids.length; i++) {
            labels[i] = String.join("\u001f", changes.remember().get(ids[i]));
          }
          return tx.preparedQuery(REMEMBER).execute(Tuple.tuple().addUUID(connectionId).addArrayOfString(ids)
              .addArrayOfString(labels)).mapEmpty();
        });
  }

  /** The connection's known messages, each read on its own from the tenant's database. */
  KnownMessages known(Tenant tenant, UUID connectionId) {
    return new KnownMessages() {
      @Override
      public Future<Map<String, List<String>>> labels(Collection<String> messageIds) {
        if (messageIds.isEmpty()) {
          return Future.succeededFuture(Map.of());
        }
        String[] ids = messageIds.toArray(String[]::new);
        return tenant.withDatabase(db -> db.preparedQuery(KNOWN).execute(Tuple.tuple().addUUID(connectionId).addArrayOfString(ids))
            .map(WatchStore::labelsOf));
      }

      @Override
      public Future<Map<String, List<String>>> all(int limit) {
        return tenant.withDatabase(db -> db.preparedQuery(ALL_KNOWN).execute(Tuple.of(connectionId, limit))
            .map(WatchStore::labelsOf));
      }
    };
  }

  private static Map<String, List<String>> labelsOf(io.vertx.sqlclient.RowSet<Row> rows) {
    Map<String, List<String>> labels = new HashMap<>();
    for (Row row : rows) {
      labels.put(row.getString("message_id"), List.of(row.getArrayOfStrings("labels")));
    }
    return labels;
  }
}
