package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.OutboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows how long the oldest due reply has waited ({@code outbox_oldest_due_seconds} on /metrics) and warns once it
 * waits longer than {@code warnAfter}. A reply is never dropped, so a channel that is down, or a reply of an office
 * whose channel no instance has set up (a channel taken out of its settings), would otherwise wait unseen. A reply
 * no worker has taken in that time is also noted on the reply itself, for the staff who wrote it: it stays 送信待ち,
 * with the reason beside it ({@code message.waiting}).
 */
public final class OutboxWatch extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxWatch.class);
  /** Shown in the thread beside a reply still waiting; {@code %d} is the minutes. Bilingual, as delivery errors are. */
  private static final String UNTAKEN = "%d分以上、どのゲートウェイもこの返信を送っていません。この窓口のこのチャネルが"
      + "どこにも設定されていないか、送信が大きく遅れています。管理者に連絡してください / No gateway has sent this reply for"
      + " over %d minutes: no gateway is set up to send this channel for this office, or sending is far behind."
      + " Tell the administrator.";

  private final OutboxStore store;
  private final CaseEvents events;
  private final Duration interval;
  private final Duration warnAfter;
  private final Clock clock;
  // A reply due for a while when this instance starts (the whole desk was down) is about to be taken: only a reply
  // left while this instance, which sends every channel it has set up, has been running that long is one nobody takes.
  private final Instant watchingSince;
  private final AtomicLong oldestDue = new AtomicLong();
  private long timer = -1;

  public OutboxWatch(OutboxStore store, CaseEvents events, GatewayMetrics metrics, Duration interval,
                     Duration warnAfter, Clock clock) {
    this.store = store;
    this.events = events;
    this.interval = interval;
    this.warnAfter = warnAfter;
    this.clock = clock;
    this.watchingSince = clock.instant();
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

  /** One look; completes with the seconds the oldest due reply has waited, once untaken replies are noted. */
  public Future<Long> check() {
    return store.oldestDueSeconds().compose(seconds -> {
      oldestDue.set(seconds);
      if (seconds <= warnAfter.toSeconds()) {
        return Future.succeededFuture(seconds);
      }
      LOG.atWarn().addKeyValue("oldestDueSeconds", seconds)
          .log("replies are waiting to be sent: a channel is down or not set up for an office on any instance");
      if (Duration.between(watchingSince, clock.instant()).compareTo(warnAfter) < 0) {
        return Future.succeededFuture(seconds);
      }
      long minutes = warnAfter.toMinutes();
      return store.noteUntaken(warnAfter, UNTAKEN.formatted(minutes, minutes)).map(noted -> {
        noted.forEach(this::publish);
        return seconds;
      });
    }).onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
        .log("outbox watch could not read the outbox"));
  }

  private void publish(OutboxStore.Untaken reply) {
    LOG.atWarn().addKeyValue("messageId", reply.messageId()).addKeyValue("caseId", reply.caseId())
        .addKeyValue("channel", reply.channel()).log("a reply no gateway takes was noted for staff");
    events.publish(new CaseEvent(CaseEvent.MESSAGE_WAITING, reply.officeId(), reply.caseId(), reply.contactId(),
        reply.messageId(), reply.channel(), clock.instant()));
  }
}
