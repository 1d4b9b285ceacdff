package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;

/**
 * Reads LINE's monthly push quota at start and then every {@code interval}, for the channel health the console
 * shows; the timer is this verticle's, so it stops when the gateway undeploys it.
 */
public final class LineQuotaWatch extends VerticleBase {

  private final LineConnector connector;
  private final Duration interval;
  private long timer = -1;

  public LineQuotaWatch(LineConnector connector, Duration interval) {
    this.connector = connector;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    // A failed first read only marks the channel down (the connector notes why); the watch still starts.
    connector.refreshQuota();
    timer = vertx.setPeriodic(interval.toMillis(), id -> connector.refreshQuota());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
