package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.OutboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how long the oldest due reply has waited ({@code outbox_oldest_due_seconds} on /metrics) and warns once it
 * waits longer than {@code warnAfter}. A reply is never dropped, so a channel that is down, or a reply of an office
 * whose channel no instance has set up (a channel taken out of its settings), would otherwise wait unseen.
 */
public final class OutboxWatch extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxWatch.class);

  private final OutboxStore store;
  private final Duration interval;
  private final Duration warnAfter;
  private final AtomicLong oldestDue = new AtomicLong();
  private long timer = -1;

  public OutboxWatch(OutboxStore store, GatewayMetrics metrics, Duration interval, Duration warnAfter) {
    this.store = store;
    this.interval = interval;
    this.warnAfter = warnAfter;
    metrics.gauge("outbox_oldest_due_seconds", oldestDue::get);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, interval.toMillis(), id -> check());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** One look; completes with the seconds the oldest due reply has waited. */
  public Future<Long> check() {
    return store.oldestDueSeconds().onSuccess(seconds -> {
      oldestDue.set(seconds);
      if (seconds > warnAfter.toSeconds()) {
        LOG.atWarn().addKeyValue("oldestDueSeconds", seconds)
            .log("replies are waiting to be sent: a channel is down or not set up for an office on any instance");
      }
    }).onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
        .log("outbox watch could not read the outbox"));
  }
}
