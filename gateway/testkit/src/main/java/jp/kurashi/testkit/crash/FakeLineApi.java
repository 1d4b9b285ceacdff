package jp.kurashi.testkit.crash;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LINE's Messaging API as the gateway sees it, on 127.0.0.1: a push with an {@code X-Line-Retry-Key}
 * already accepted is answered 409 and not delivered again, as LINE does, so what a resident sees is
 * one message per key.
 */
final class FakeLineApi implements AutoCloseable {

  /** A push LINE accepted: its retry key, the user and the texts. */
  record Push(String retryKey, String to, List<String> texts) {
  }

  final Map<String, Push> accepted = new ConcurrentHashMap<>();
  final AtomicLong pushCalls = new AtomicLong();
  /** Push calls carrying a staff reply, retries (answered 409) included. */
  final AtomicLong replyPushCalls = new AtomicLong();
  final AtomicLong replyCalls = new AtomicLong();
  private final Set<String> usedReplyTokens = ConcurrentHashMap.newKeySet();
  private final HttpServer server;
  private final Vertx vertx;
  private final java.util.Random random;

  private FakeLineApi(Vertx vertx, HttpServer server, long seed) {
    this.vertx = vertx;
    this.server = server;
    this.random = new java.util.Random(seed);
  }

  static FakeLineApi start(Vertx vertx, long seed) {
    FakeLineApi[] self = new FakeLineApi[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> self[0].handle(req));
    self[0] = new FakeLineApi(vertx, server, seed);
    server.listen(0, "127.0.0.1").await();
    return self[0];
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/";
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    req.body().onSuccess(body -> {
      if (path.equals("/v2/bot/message/push")) {
        push(req, body.toJsonObject());
      } else if (path.equals("/v2/bot/message/reply")) {
        reply(req, body.toJsonObject());
      } else if (path.startsWith("/v2/bot/profile/")) {
        json(req, 200, new JsonObject().put("userId", path.substring(path.lastIndexOf('/') + 1))
            .put("displayName", "住民").put("language", "ja"));
      } else if (path.equals("/v2/bot/message/quota")) {
        json(req, 200, new JsonObject().put("type", "none"));
      } else if (path.equals("/v2/bot/message/quota/consumption")) {
        json(req, 200, new JsonObject().put("totalUsage", 0));
      } else {
        json(req, 404, new JsonObject().put("message", "Not found"));
      }
    });
  }

  private void push(HttpServerRequest req, JsonObject body) {
    pushCalls.incrementAndGet();
    String key = req.getHeader("X-Line-Retry-Key");
    if (key == null) {
      // Without a key a retried push would reach the resident twice: record it under a fresh key.
      key = "none-" + pushCalls.get();
    }
    Push push = new Push(key, body.getString("to"), texts(body));
    if (push.texts().stream().anyMatch(t -> t.contains("#crash-r-"))) {
      replyPushCalls.incrementAndGet();
    }
    if (accepted.putIfAbsent(key, push) != null) {
      json(req, 409, new JsonObject().put("message", "The retry key is already accepted"));
      return;
    }
    // LINE has taken the push but the gateway learns it up to 1.5 s later: a kill in between makes the
    // gateway push again after its restart, which only the retry key keeps from reaching the resident twice.
    String id = key;
    vertx.setTimer(100 + nextDelay(), t -> json(req, 200,
        new JsonObject().put("sentMessages", new JsonArray().add(new JsonObject().put("id", id)))));
  }

  private synchronized int nextDelay() {
    return random.nextInt(1_400);
  }

  private void reply(HttpServerRequest req, JsonObject body) {
    replyCalls.incrementAndGet();
    // A reply token works once; automatic texts only, the crash check does not count them.
    if (!usedReplyTokens.add(body.getString("replyToken", ""))) {
      json(req, 400, new JsonObject().put("message", "Invalid reply token"));
      return;
    }
    json(req, 200, new JsonObject().put("sentMessages", new JsonArray()));
  }

  private static List<String> texts(JsonObject body) {
    JsonArray messages = body.getJsonArray("messages", new JsonArray());
    return messages.stream().map(m -> ((JsonObject) m).getString("text", "")).toList();
  }

  private static void json(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    Future<Void> closed = server.close();
    closed.await();
  }
}
