package jp.kurashi.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.concurrent.TimeUnit;

/**
 * One Redis connection, opened on first use and thrown away (with its client) when it ends, fails
 * or a command on it does not answer in time; the next command opens a fresh one. Commands are
 * pipelined on it. A client of its own per connection means a broken pool can never keep a
 * connection alive after Redis restarted: every loss starts from nothing.
 */
public final class RedisLink {

  private final Vertx vertx;
  private final RedisOptions options;
  private final Handler<Response> pushes;
  private Redis client;
  private Future<RedisConnection> current;

  /** {@code pushes} receives pub/sub messages; {@code null} for a link that only sends commands. */
  public RedisLink(Vertx vertx, RedisOptions options, Handler<Response> pushes) {
    this.vertx = vertx;
    this.options = options;
    this.pushes = pushes;
  }

  /** Sends one command; fails after {@code timeoutMs}, and then drops the connection. */
  public synchronized Future<Response> send(Request request, long timeoutMs) {
    Future<RedisConnection> connection = connection();
    return connection.compose(conn -> conn.send(request))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> drop(connection));
  }

  /** Whether a connection is open or being opened. */
  synchronized boolean active() {
    return current != null;
  }

  /** Closes the connection, if any; the next command opens a new one. */
  public synchronized Future<Void> close() {
    Future<RedisConnection> connection = current;
    return connection == null ? Future.succeededFuture() : drop(connection);
  }

  private Future<RedisConnection> connection() {
    if (current != null) {
      return current;
    }
    Redis opened = Redis.createClient(vertx, options);
    client = opened;
    Future<RedisConnection> connecting = opened.connect();
    current = connecting;
    connecting.onSuccess(conn -> {
      if (pushes != null) {
        conn.handler(pushes);
      }
      conn.endHandler(v -> drop(connecting));
      conn.exceptionHandler(err -> drop(connecting));
    });
    return connecting;
  }

  private synchronized Future<Void> drop(Future<RedisConnection> connection) {
    if (connection != current) {
      return Future.succeededFuture();
    }
    Redis closing = client;
    current = null;
    client = null;
    return connection.transform(ar -> ar.succeeded() ? ar.result().close() : Future.<Void>succeededFuture())
        .transform(ar -> closing.close());
  }
}
