package jp.kurashi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicLong;

/**
 * LINE's Messaging API in the benchmark's process: accepts every push and answers every profile read at once, so
 * the gateway's outbox and profile fetches do their real work (an HTTP call each) instead of failing and retrying
 * against a closed port, which is load no desk ever sees.
 */
final class LineApiStandIn implements AutoCloseable {

  private final HttpServer server;
  private final AtomicLong pushes;

  private LineApiStandIn(HttpServer server, AtomicLong pushes) {
    this.server = server;
    this.pushes = pushes;
  }

  static LineApiStandIn start(Vertx vertx, int port) {
    AtomicLong pushes = new AtomicLong();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(body -> {
      String path = req.path();
      JsonObject answer;
      if (path.equals("/v2/bot/message/push") || path.equals("/v2/bot/message/reply")) {
        pushes.incrementAndGet();
        answer = new JsonObject().put("sentMessages", new io.vertx.core.json.JsonArray());
      } else if (path.startsWith("/v2/bot/profile/")) {
        answer = new JsonObject().put("userId", path.substring("/v2/bot/profile/".length())).put("displayName", "bench");
      } else if (path.equals("/v2/bot/message/quota")) {
        answer = new JsonObject().put("type", "none");
      } else if (path.equals("/v2/bot/message/quota/consumption")) {
        answer = new JsonObject().put("totalUsage", pushes.get());
      } else {
        req.response().setStatusCode(404).end();
        return;
      }
      req.response().putHeader("content-type", "application/json").end(answer.encode());
    }));
    server.listen(port, "127.0.0.1").await();
    return new LineApiStandIn(server, pushes);
  }

  /** Pushes and replies accepted so far. */
  long pushes() {
    return pushes.get();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
