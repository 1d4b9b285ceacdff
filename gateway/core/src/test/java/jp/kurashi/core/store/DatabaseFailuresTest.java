package jp.kurashi.core.store;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Database failures worth retrying")
class DatabaseFailuresTest {

  private static Throwable server(String sqlState) {
    return new VertxException("ingest failed", new PgException("value 'yamada@example.jp' ...", "ERROR", sqlState, null));
  }

  @Test
  @DisplayName("a lost race, an operator's cancel or a server out of room is tried again, not blamed on the input")
  void transientStates() {
    for (String state : new String[] {"40001", "40P01", "40003", "55P03", "53100", "53200", "53300", "57P01",
        "57P03", "08006"}) {
      assertThat(DatabaseFailures.unavailable(server(state))).as(state).isTrue();
    }
    for (String state : new String[] {"40001", "40P01", "40003", "55P03"}) {
      assertThat(DatabaseFailures.conflict(server(state))).as(state + ": a lost race").isTrue();
    }
    for (String state : new String[] {"53100", "57P01", "08006", "23505"}) {
      assertThat(DatabaseFailures.conflict(server(state))).as(state + ": not a race").isFalse();
    }
  }

  @Test
  @DisplayName("a bad value, a broken constraint or a bug fails again the same way: not worth retrying as is")
  void lastingStates() {
    for (String state : new String[] {"22021", "22001", "23505", "23503", "40002", "42703", "XX000",
        "57014"}) {
      assertThat(DatabaseFailures.unavailable(server(state))).as(state).isFalse();
    }
    assertThat(DatabaseFailures.describe(server("22021"))).as("never the server's words, which quote values")
        .isEqualTo("database error SQLSTATE 22021");
  }
}
