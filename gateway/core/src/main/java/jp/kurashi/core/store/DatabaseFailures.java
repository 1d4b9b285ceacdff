package jp.kurashi.core.store;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database that is unreachable, restarting or overloaded (worth retrying: HTTP 503) from a
 * failure that would fail again the same way (a bug: HTTP 500).
 *
 * <pre>{@code
 * store.ingest(...).onFailure(err -> response.setStatusCode(DatabaseFailures.unavailable(err) ? 503 : 500).end());
 * }</pre>
 */
public final class DatabaseFailures {

  /** admin_shutdown, crash_shutdown, cannot_connect_now (starting or shutting down), too_many_connections. */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");

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

  /** Whether {@code failure} (or a cause of it) says the database could not be reached or used just now. */
  public static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException db && db.getSqlState() != null) {
        return db.getSqlState().startsWith("08") || UNAVAILABLE_STATES.contains(db.getSqlState());
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
