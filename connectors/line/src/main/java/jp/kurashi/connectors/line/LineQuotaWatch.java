package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;

/**
 * Reads LINE's monthly push quota at start and then {@code interval} after each read, for the channel health the
 * console shows; one read at a time, so a slow LINE never piles reads up, and none starts once the gateway has
 * undeployed the watch.
 */
public final class LineQuotaWatch extends VerticleBase {

  private final LineConnector connector;
  private final Duration interval;
  // The read completes on the HTTP client's thread, which may not be this verticle's.
  private volatile long timer = -1;
  private volatile boolean stopped;

  public LineQuotaWatch(LineConnector connector, Duration interval) {
    this.connector = connector;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    // A failed first read only marks the channel down (the connector notes why); the watch still starts.
    read();
    return Future.succeededFuture();
  }

  private void read() {
    if (stopped) {
      return;
    }
    connector.refreshQuota().onComplete(done -> {
      if (!stopped) {
        timer = vertx.setTimer(interval.toMillis(), id -> read());
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
