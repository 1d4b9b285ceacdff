package jp.kurashi.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jp.kurashi.core.domain.CaseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Case events over Redis pub/sub: one connection publishes (and answers health pings), another stays
 * subscribed and re-publishes each event to this instance's listeners. A watchdog re-subscribes when
 * the subscriber is lost or stops answering, so live updates resume by themselves after Redis returns.
 * Every command has a timeout: a Redis that is down or hung fails a publish quickly, and callers
 * (which publish after commit) only log it.
 */
final class RedisCaseEvents implements CaseEvents {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCaseEvents.class);
  static final String CHANNEL = "kurashi:case-events";
  private static final long COMMAND_TIMEOUT_MS = 2_000;
  /** How often the subscriber is checked (PING) or, when lost, re-subscribed. */
  private static final long WATCHDOG_MS = 2_000;

  private final Vertx vertx;
  private final RedisLink publisher;
  private final RedisLink subscriber;
  private final LocalDelivery local;
  // Touched from the watchdog's timer and from connection callbacks, which may run on other event loops.
  private volatile boolean subscribed;
  private volatile boolean checking;
  private volatile long watchdog = -1;
  private volatile boolean closed;

  private RedisCaseEvents(Vertx vertx, RedisOptions options) {
    this.vertx = vertx;
    this.publisher = new RedisLink(vertx, options, null);
    this.subscriber = new RedisLink(vertx, options, this::onPush);
    this.local = new LocalDelivery(vertx);
  }

  static Future<CaseEvents> connect(Vertx vertx, RedisOptions options) {
    RedisCaseEvents events = new RedisCaseEvents(vertx, options);
    return events.subscribeChannel()
        .onSuccess(v -> events.watchdog = vertx.setPeriodic(WATCHDOG_MS, id -> events.check()))
        .transform(ar -> ar.succeeded() ? Future.succeededFuture(events)
            : events.close().transform(ignored -> Future.failedFuture(ar.cause())));
  }

  private Future<Void> subscribeChannel() {
    return subscriber.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL), COMMAND_TIMEOUT_MS).map(r -> {
      subscribed = true;
      LOG.atInfo().addKeyValue("channel", CHANNEL).log("subscribed to redis case events");
      return null;
    });
  }

  /** One watchdog round: PING the subscriber, or subscribe again when its connection was lost. */
  private void check() {
    if (closed || checking) {
      return;
    }
    checking = true;
    Future<Void> round;
    if (subscribed && subscriber.active()) {
      round = subscriber.send(Request.cmd(Command.PING), COMMAND_TIMEOUT_MS).<Void>mapEmpty()
          .onFailure(err -> {
            subscribed = false;
            LOG.atWarn().addKeyValue("error", err.toString()).log("redis subscriber lost; re-subscribing");
          });
    } else {
      subscribed = false;
      round = subscribeChannel()
          // Other instances' events of the time it was lost did not come here: listeners read again.
          .onSuccess(v -> local.missed())
          .onFailure(err -> LOG.atWarn().addKeyValue("retryInMs", WATCHDOG_MS).addKeyValue("error", err.toString())
              .log("redis re-subscribe failed"));
    }
    round.onComplete(ar -> checking = false);
  }

  private void onPush(Response push) {
    // Pub/sub pushes are ["message", channel, payload]; subscribe confirmations are ignored.
    if (push.size() == 3 && "message".equals(push.get(0).toString())) {
      CaseEvent event;
      try {
        // Read once here, not once per listener.
        event = CaseEvent.fromJson(new JsonObject(push.get(2).toString()));
      } catch (DecodeException | IllegalArgumentException e) {
        LOG.atWarn().log("dropped a malformed message on the case event channel");
        return;
      }
      local.deliver(event);
    }
  }

  /**
   * Through Redis to every instance. When Redis cannot carry it (down, or this instance's subscription lost), the event
   * still reaches this instance's own listeners: a staff reply sent while Redis is down must reach the resident's open
   * chat here, not wait for a reconnect. Listeners take an event twice without harm (a publish that timed out may have
   * gone through after all), as they do across a re-subscription.
   */
  @Override
  public Future<Void> publish(CaseEvent event) {
    boolean hearsItself = subscribed && subscriber.active();
    return publisher.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(event.toJson().encode()), COMMAND_TIMEOUT_MS)
        .<Void>mapEmpty()
        .onComplete(sent -> {
          if (sent.failed() || !hearsItself) {
            local.deliver(event);
          }
        });
  }

  @Override
  public Subscription subscribe(Handler<CaseEvent> listener) {
    return local.subscribe(listener);
  }

  @Override
  public Subscription onEventsMissed(Runnable listener) {
    return local.onMissed(listener);
  }

  /** Up only when events can both go out and come back: a lost subscription means consoles miss updates. */
  @Override
  public Future<Void> ping() {
    if (!subscribed || !subscriber.active()) {
      return Future.failedFuture("not subscribed to " + CHANNEL);
    }
    return publisher.send(Request.cmd(Command.PING), COMMAND_TIMEOUT_MS).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    if (watchdog >= 0) {
      vertx.cancelTimer(watchdog);
    }
    return Future.join(subscriber.close(), publisher.close()).mapEmpty();
  }
}
