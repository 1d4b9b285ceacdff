package jp.kurashi.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jp.kurashi.core.domain.CaseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Case events over Redis pub/sub. One connection stays subscribed and re-publishes each
 * event to this instance's listeners; it reconnects with backoff when Redis goes away.
 */
final class RedisCaseEvents implements CaseEvents {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCaseEvents.class);
  static final String CHANNEL = "kurashi:case-events";
  private static final long MAX_RECONNECT_DELAY_MS = 30_000;
  private static final long PING_TIMEOUT_MS = 2_000;

  private final Vertx vertx;
  private final Redis client;
  private final LocalDelivery local;
  private RedisConnection subscriber;
  private volatile boolean closed;

  private RedisCaseEvents(Vertx vertx, Redis client) {
    this.vertx = vertx;
    this.client = client;
    this.local = new LocalDelivery(vertx);
  }

  static Future<CaseEvents> connect(Vertx vertx, RedisOptions options) {
    RedisCaseEvents events = new RedisCaseEvents(vertx, Redis.createClient(vertx, options));
    return events.subscribeChannel().map(v -> events);
  }

  private Future<Void> subscribeChannel() {
    return client.connect().compose(conn -> {
      conn.handler(this::onPush);
      conn.exceptionHandler(err -> LOG.atWarn().addKeyValue("error", err.getMessage()).log("redis subscriber error"));
      conn.endHandler(v -> onSubscriberLost(conn));
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).map(r -> {
        subscriber = conn;
        LOG.atInfo().addKeyValue("channel", CHANNEL).log("subscribed to redis case events");
        return null;
      });
    });
  }

  private void onPush(Response push) {
    // Pub/sub pushes are ["message", channel, payload]; subscribe confirmations are ignored.
    if (push.size() == 3 && "message".equals(push.get(0).toString())) {
      try {
        local.deliver(new JsonObject(push.get(2).toString()));
      } catch (DecodeException e) {
        LOG.atWarn().log("dropped a malformed message on the case event channel");
      }
    }
  }

  private void onSubscriberLost(RedisConnection conn) {
    if (closed || conn != subscriber) {
      return;
    }
    subscriber = null;
    LOG.atWarn().log("redis subscriber connection lost; reconnecting");
    reconnect(500);
  }

  private void reconnect(long delayMs) {
    vertx.setTimer(delayMs, id -> {
      if (closed) {
        return;
      }
      subscribeChannel().onFailure(err -> {
        long next = Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS);
        LOG.atWarn().addKeyValue("retryInMs", next).addKeyValue("error", err.getMessage())
            .log("redis resubscribe failed");
        reconnect(next);
      });
    });
  }

  @Override
  public Future<Void> publish(CaseEvent event) {
    return client.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(event.toJson().encode())).mapEmpty();
  }

  @Override
  public Subscription subscribe(Handler<CaseEvent> listener) {
    return local.subscribe(listener);
  }

  @Override
  public Future<Void> ping() {
    return client.send(Request.cmd(Command.PING)).<Void>mapEmpty().timeout(PING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<Void> close() {
    closed = true;
    RedisConnection conn = subscriber;
    Future<Void> closing = conn == null ? Future.succeededFuture() : conn.close();
    return closing.eventually(client::close);
  }
}
