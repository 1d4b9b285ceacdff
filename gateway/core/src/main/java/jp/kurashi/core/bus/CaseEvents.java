package jp.kurashi.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;
import jp.kurashi.core.domain.CaseEvent;

/**
 * Live case events for consoles and chat sockets, published after commit.
 *
 * <p>Delivery is best effort: PostgreSQL remains the truth, and a listener that may have
 * missed events (a reconnect) reloads from the store.
 *
 * <pre>{@code
 * CaseEvents events = CaseEvents.inProcess(vertx);        // or CaseEvents.redis(vertx, options)
 * events.subscribe(e -> console.push(e.caseId()));
 * events.publish(new CaseEvent(CaseEvent.MESSAGE_RECEIVED, office, caseId, contactId, messageId, "line", now));
 * }</pre>
 */
public interface CaseEvents {

  /** Events of this Vert.x instance only: one gateway process, no Redis. */
  static CaseEvents inProcess(Vertx vertx) {
    return new LocalCaseEvents(vertx);
  }

  /** Events shared by every gateway instance through Redis pub/sub; connects before completing. */
  static Future<CaseEvents> redis(Vertx vertx, RedisOptions options) {
    return RedisCaseEvents.connect(vertx, options);
  }

  /** Sends the event to every subscriber on every instance. */
  Future<Void> publish(CaseEvent event);

  /** Calls {@code listener} on this instance for each event, until the subscription is cancelled. */
  Subscription subscribe(Handler<CaseEvent> listener);

  /**
   * Calls {@code listener} on this instance each time events from other instances may have been missed: the bus was
   * lost and is back. What a listener shows from events it then reads again from the store. In process: never.
   */
  default Subscription onEventsMissed(Runnable listener) {
    return Future::succeededFuture;
  }

  /** Succeeds when events go out and come back in (Redis reachable, subscription live); in-process always does. */
  Future<Void> ping();

  Future<Void> close();

  /** A registered listener. */
  interface Subscription {
    Future<Void> cancel();
  }
}
