package jp.kurashi.app.embedded;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps the embedded server running while the gateway runs: when its process dies (killed, out of
 * memory), it is started again on the same port and the pool reconnects by itself. A server that keeps
 * dying ({@code maxRestarts} within {@code window}) is not started again: {@link #givenUp()} fails, and
 * the gateway exits non-zero so its supervisor restarts both.
 */
public final class EmbeddedServerWatch {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServerWatch.class);

  private final Vertx vertx;
  private final int maxRestarts;
  private final Duration window;
  private final Deque<Long> restarts = new ArrayDeque<>();
  private final Promise<Void> givenUp = Promise.promise();
  private volatile LocalPostgres server;
  private volatile boolean stopping;
  private volatile boolean running = true;

  public EmbeddedServerWatch(Vertx vertx, LocalPostgres server, int maxRestarts, Duration window) {
    this.vertx = vertx;
    this.server = server;
    this.maxRestarts = maxRestarts;
    this.window = window;
    watch(server);
  }

  /** Fails when the server could not be kept running; never completes otherwise. */
  public Future<Void> givenUp() {
    return givenUp.future();
  }

  /**
   * False from the moment the server process dies until it runs again. Health reads this rather than only
   * pinging: backends of a killed postmaster may still answer a pooled connection for a while.
   */
  public boolean running() {
    return running;
  }

  /** The server now running (a new one after each restart). */
  public LocalPostgres server() {
    return server;
  }

  /** Stops watching and stops the server cleanly. */
  public Future<Void> stop() {
    stopping = true;
    return vertx.executeBlocking(() -> {
      server.close();
      return null;
    });
  }

  private void watch(LocalPostgres watched) {
    watched.exited().thenAccept(process -> {
      if (stopping) {
        return;
      }
      running = false;
      LOG.atError().addKeyValue("pid", process.pid()).addKeyValue("exitStatus", process.exitValue())
          .log("embedded PostgreSQL died; starting it again");
      vertx.executeBlocking(this::restart, false).onFailure(err -> {
        LOG.atError().addKeyValue("error", err.toString()).log("embedded PostgreSQL cannot be kept running");
        givenUp.tryFail(err);
      });
    });
  }

  private Void restart() throws Exception {
    long now = System.nanoTime();
    while (!restarts.isEmpty() && now - restarts.peekFirst() > window.toNanos()) {
      restarts.removeFirst();
    }
    if (restarts.size() >= maxRestarts) {
      throw new IllegalStateException("embedded PostgreSQL died " + (maxRestarts + 1) + " times within "
          + window.toMinutes() + " min");
    }
    restarts.addLast(now);
    LocalPostgres again = server.restart();
    server = again;
    if (stopping) {
      again.close();
      return null;
    }
    running = true;
    watch(again);
    return null;
  }
}
