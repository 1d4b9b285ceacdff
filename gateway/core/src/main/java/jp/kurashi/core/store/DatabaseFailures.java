package jp.kurashi.core.store;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that is unreachable, restarting, overloaded or out of resources, or a transaction that lost a race
 * (worth retrying: HTTP 503, and a mail stays pending without counting an attempt) from a failure that would fail again
 * the same way (a bug or a bad value: HTTP 500, and a mail counts towards its quarantine).
 *
 * <pre>{@code
 * store.ingest(...).onFailure(err -> response.setStatusCode(DatabaseFailures.unavailable(err) ? 503 : 500).end());
 * }</pre>
 */
public final class DatabaseFailures {

  /** admin_shutdown, crash_shutdown, cannot_connect_now (starting or shutting down). */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03");

  /**
   * serialization_failure, deadlock_detected, statement_completion_unknown, lock_not_available: this statement lost a
   * race with another, and succeeds when tried again. Not 40002, a constraint checked at commit, which fails again; nor
   * 57014, a cancel, which a role's statement_timeout can give the same input every time.
   */
  private static final Set<String> CONFLICT_STATES = Set.of("40001", "40P01", "40003", "55P03");

  private DatabaseFailures() {
  }

  /** The SQLSTATE of a database error anywhere in the cause chain. */
  public static Optional<String> sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException db && db.getSqlState() != null) {
        return Optional.of(db.getSqlState());
      }
    }
    return Optional.empty();
  }

  /**
   * A failure as a log or health line may show it: a database error by its SQLSTATE only, since the
   * server's message can quote the values (a resident's text, name or address); anything else as it is.
   */
  public static String describe(Throwable failure) {
    return sqlState(failure).map(state -> "database error SQLSTATE " + state).orElseGet(failure::toString);
  }

  /** Whether {@code failure} (or a cause of it) lost a race with another transaction: try the same work again. */
  public static boolean conflict(Throwable failure) {
    return sqlState(failure).map(CONFLICT_STATES::contains).orElse(false);
  }

  /**
   * Whether {@code failure} (or a cause of it) says the database could not be reached or used just now, or the work
   * lost a race ({@link #conflict}): either way, worth trying again.
   */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException db && db.getSqlState() != null) {
        // 08: the connection; 53: the server's resources (disk full, out of memory, too many connections).
        return db.getSqlState().startsWith("08") || db.getSqlState().startsWith("53")
            || UNAVAILABLE_STATES.contains(db.getSqlState()) || CONFLICT_STATES.contains(db.getSqlState());
      }
      // IOException: refused, reset or closed sockets; the SQL client raises no other kind.
      if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException) {
        return true;
      }
      // The SQL client reports a command on a connection the server already closed only by this message.
      if (t instanceof VertxException && t.getMessage() != null && t.getMessage().startsWith("Connection is not active")) {
        return true;
      }
    }
    return false;
  }
}
