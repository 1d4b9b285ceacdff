package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.MessageStore.QueuedReply;

import java.time.Instant;

/**
 * Queues a staff reply for delivery on the case's own channel: message and outbox row in
 * one transaction, then a live event and a nudge to the local outbox worker.
 */
public final class ReplyQueue {

  private final Vertx vertx;
  private final MessageStore store;
  private final CaseEvents events;

  public ReplyQueue(Vertx vertx, MessageStore store, CaseEvents events) {
    this.vertx = vertx;
    this.store = store;
    this.events = events;
  }

  /** Completes with the stored reply once committed; delivery follows asynchronously. */
  public Future<QueuedReply> queue(long caseId, long staffId, String text) {
    return store.queueReply(caseId, staffId, text).onSuccess(reply -> {
      vertx.eventBus().publish(OutboxWorker.WAKE_ADDRESS, null);
      events.publish(new CaseEvent(CaseEvent.MESSAGE_QUEUED, reply.officeId(), caseId, reply.messageId(),
          reply.channel(), Instant.now()));
    });
  }
}
