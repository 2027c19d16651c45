package dev.mailgate.server.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names one tenant's schema in the statements its queries send. Queries name tenant tables as
 * {@code {schema}.users}; for a tenant with a schema that becomes {@code "acme".users}, for a
 * tenant with a database of its own plain {@code users}.
 *
 * <p>Why not {@code search_path}: PostgreSQL re-plans a prepared statement whenever the
 * {@code search_path} it was planned under changes, so switching one shared connection between
 * tenants' schemas re-plans nearly every statement (pgbench here: 56k to 14k statements/s over
 * 1,000 schemas). A qualified statement is a different statement per schema, prepared once per
 * connection and never re-planned. Connections of shared pools start with
 * {@code search_path = pg_catalog}, so a statement that forgets the marker fails instead of
 * reaching another tenant's tables.
 */
final class SchemaQualifier {

  /** What queries write before a tenant table's name. */
  static final String MARKER = "{schema}.";

  /** Statements remembered per tenant; the gateway's queries are constants, far fewer than this. */
  private static final int MAX_REMEMBERED = 512;

  private final String prefix;
  private final Map<String, String> qualified = new ConcurrentHashMap<>();

  SchemaQualifier(Optional<String> schema) {
    this.prefix = schema.map(name -> "\"" + name.replace("\"", "\"\"") + "\".").orElse("");
  }

  /** The statement with this tenant's schema in place of every marker. */
  String qualify(String sql) {
    String known = qualified.get(sql);
    if (known != null) {
      return known;
    }
    String result = sql.replace(MARKER, prefix);
    if (qualified.size() < MAX_REMEMBERED) {
      qualified.put(sql, result);
    }
    return result;
  }

  /** {@code client} as this tenant sees it: every statement qualified first. */
  SqlClient on(SqlClient client) {
    return new Qualified(client, this);
  }

  private record Qualified(SqlClient client, SchemaQualifier schema) implements SqlClient {

    @Override
    public Query<RowSet<Row>> query(String sql) {
      return client.query(schema.qualify(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
      return client.preparedQuery(schema.qualify(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
      return client.preparedQuery(schema.qualify(sql), options);
    }

    /** The pool or connection belongs to the gateway, not to the tenant's work: never closed here. */
    @Override
    public Future<Void> close() {
      return Future.failedFuture(new UnsupportedOperationException("a tenant's queries do not close the database"));
    }
  }
}
