package jp.kurashi.console;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.store.StaffStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The console event streams open on this instance, by session: at most {@code maxPerSession} each, and each
 * ended (with a final {@code session-ended} event) once its session is over. Logout here ends them at once;
 * every {@code checkEvery} the sessions of all open streams are read again in one query, so a session ended
 * anywhere else (logout on another instance, idle or absolute expiry, a deactivated account, a password change)
 * ends its streams within that time without anyone having to tell this instance.
 */
final class OpenStreams {

  private static final Logger LOG = LoggerFactory.getLogger(OpenStreams.class);

  private final Vertx vertx;
  private final StaffStore staff;
  private final Duration idle;
  private final Duration checkEvery;
  private final int maxPerSession;
  /** Guarded by this, as is {@link #timer}: streams open and close on every event loop. */
  private final Map<String, List<Stream>> bySession = new HashMap<>();
  private long timer = -1;

  OpenStreams(Vertx vertx, StaffStore staff, ConsoleSettings settings) {
    this.vertx = vertx;
    this.staff = staff;
    this.idle = settings.sessionIdle();
    this.checkEvery = settings.streamSessionCheck();
    this.maxPerSession = settings.maxStreamsPerSession();
  }

  /** Registers a stream; false when its session already holds {@code maxPerSession}. */
  synchronized boolean add(Stream stream) {
    List<Stream> streams = bySession.computeIfAbsent(stream.tokenHash(), k -> new ArrayList<>());
    if (streams.size() >= maxPerSession) {
      if (streams.isEmpty()) {
        bySession.remove(stream.tokenHash());
      }
      return false;
    }
    streams.add(stream);
    if (timer < 0) {
      // Checked only while streams are open, so an idle gateway (or one shutting down) runs no queries.
      timer = vertx.setPeriodic(checkEvery.toMillis(), id -> check());
    }
    return true;
  }

  /** Forgets a stream that closed or ended. */
  synchronized void remove(Stream stream) {
    List<Stream> streams = bySession.get(stream.tokenHash());
    if (streams != null && streams.remove(stream) && streams.isEmpty()) {
      bySession.remove(stream.tokenHash());
    }
    if (bySession.isEmpty() && timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /** Ends every stream of the session with {@code tokenHash} on this instance, e.g. at its logout. */
  void endSession(String tokenHash, String reason) {
    List<Stream> ended;
    synchronized (this) {
      ended = bySession.remove(tokenHash);
    }
    if (ended != null) {
      ended.forEach(s -> s.end(reason));
    }
  }

  /** How many streams are open on this instance. */
  synchronized int size() {
    return bySession.values().stream().mapToInt(List::size).sum();
  }

  private void check() {
    Set<String> sessions;
    synchronized (this) {
      sessions = Set.copyOf(bySession.keySet());
    }
    staff.liveSessions(sessions, idle).onSuccess(live -> sessions.stream()
            .filter(s -> !live.contains(s))
            .forEach(s -> endSession(s, "ended")))
        // The database being away is no reason to cut staff off their live updates; the next check decides.
        .onFailure(err -> LOG.atWarn().addKeyValue("error", err.getClass().getSimpleName())
            .log("event stream session check failed"));
  }

  /** One open stream, ended on its own event loop. */
  record Stream(String tokenHash, Context context, HttpServerResponse response) {

    void end(String reason) {
      context.runOnContext(v -> {
        if (!response.closed() && !response.ended()) {
          response.write("event: session-ended\ndata: " + new JsonObject().put("reason", reason).encode() + "\n\n");
          response.end();
        }
      });
    }
  }
}
