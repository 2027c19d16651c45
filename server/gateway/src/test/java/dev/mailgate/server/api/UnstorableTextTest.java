package dev.mailgate.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailgate.server.error.Reason;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

/**
 * The one error mapping's safety net for text that reaches PostgreSQL with a character it cannot
 * store (a NUL: SQLSTATE 22021; an untranslatable character: 22P05), should a field check miss it:
 * the caller's input, so INVALID_ARGUMENT, never INTERNAL.
 */
class UnstorableTextTest {

  @Test
  void textTheDatabaseCannotStoreIsInvalidArgument() {
    for (String state : new String[] {"22021", "22P05"}) {
      var mapped = GrpcErrors.toGatewayException(
          new PgException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", state, null), "r-1", "acme");
      assertThat(mapped.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
      assertThat(mapped.violations()).singleElement().satisfies(v -> assertThat(v.field()).isEqualTo("request"));
    }
  }

  @Test
  void otherDatabaseErrorsAreNotMistakenForIt() {
    var mapped = GrpcErrors.toGatewayException(new PgException("division by zero", "ERROR", "22012", null), "r-2", "acme");
    assertThat(mapped.reason()).isEqualTo(Reason.INTERNAL);
  }
}
