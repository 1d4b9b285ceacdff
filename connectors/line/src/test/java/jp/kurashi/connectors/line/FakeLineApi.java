package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jp.kurashi.testkit.Await;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server standing in for LINE's API and data API: records pushes and replies, answers
 * scripted statuses (e.g. 429 once, then 200), serves media bytes, profiles and the quota.
 */
final class FakeLineApi implements AutoCloseable {

  record Call(String path, String retryKey, String authorization, JsonObject body) {
  }

  record Answer(int status, String retryAfter, JsonObject body) {
  }

  final List<Call> pushes = new CopyOnWriteArrayList<>();
  final List<Call> replies = new CopyOnWriteArrayList<>();
  final Deque<Answer> pushAnswers = new ArrayDeque<>();
  /** The group chats and rooms left, as {@code group:ID} or {@code room:ID}. */
  final List<String> leaves = new CopyOnWriteArrayList<>();
  volatile int replyStatus = 200;
  volatile long quotaLimit = 200;
  volatile long quotaUsed = 10;
  volatile int quotaStatus = 200;
  /** How many times the quota was asked for. */
  final java.util.concurrent.atomic.AtomicInteger quotaReads = new java.util.concurrent.atomic.AtomicInteger();
  volatile byte[] media = new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x00, 0x01};
  /** Statuses the next media downloads answer, in turn; 200 with {@link #media} once they are used up. */
  final Deque<Integer> contentAnswers = new java.util.concurrent.ConcurrentLinkedDeque<>();
  /** What the next preparation checks of a video or voice message answer, in turn; {@code succeeded} after. */
  final Deque<String> preparation = new java.util.concurrent.ConcurrentLinkedDeque<>();
  /** How long a media download takes to answer. */
  volatile long contentDelayMillis;
  /** Media downloads being answered now, and the most at once. */
  final java.util.concurrent.atomic.AtomicInteger contentNow = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger contentMost = new java.util.concurrent.atomic.AtomicInteger();
  /** How many times media were asked for. */
  final java.util.concurrent.atomic.AtomicInteger contentReads = new java.util.concurrent.atomic.AtomicInteger();
  private final HttpServer server;

  FakeLineApi(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.post("/v2/bot/message/push").handler(this::push);
    router.post("/v2/bot/message/reply").handler(this::reply);
    router.post("/v2/bot/group/:id/leave").handler(ctx -> leave(ctx, "group"));
    router.post("/v2/bot/room/:id/leave").handler(ctx -> leave(ctx, "room"));
    router.get("/v2/bot/profile/:userId").handler(ctx -> json(ctx, 200, new JsonObject()
        .put("userId", ctx.pathParam("userId")).put("displayName", "山田 太郎").put("language", "ja")));
    router.get("/v2/bot/message/quota").handler(ctx -> {
      quotaReads.incrementAndGet();
      if (quotaStatus == 200) {
        json(ctx, 200, new JsonObject().put("type", "limited").put("value", quotaLimit));
      } else {
        json(ctx, quotaStatus, new JsonObject().put("message", "Authentication failed"));
      }
    });
    router.get("/v2/bot/message/quota/consumption").handler(ctx -> json(ctx, 200, new JsonObject().put("totalUsage", quotaUsed)));
    router.get("/v2/bot/message/:id/content").handler(this::content);
    router.get("/v2/bot/message/:id/content/transcoding").handler(ctx -> {
      String status = preparation.pollFirst();
      json(ctx, 200, new JsonObject().put("status", status == null ? "succeeded" : status));
    });
    server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/";
  }

  private void push(RoutingContext ctx) {
    pushes.add(new Call(ctx.normalizedPath(), ctx.request().getHeader("X-Line-Retry-Key"),
        ctx.request().getHeader("Authorization"), ctx.body().asJsonObject()));
    Answer answer;
    synchronized (pushAnswers) {
      answer = pushAnswers.pollFirst();
    }
    if (answer == null) {
      answer = new Answer(200, null, new JsonObject().put("sentMessages", List.of(new JsonObject().put("id", "1").put("quoteToken", "q"))));
    }
    if (answer.retryAfter() != null) {
      ctx.response().putHeader("Retry-After", answer.retryAfter());
    }
    json(ctx, answer.status(), answer.body());
  }

  private void content(RoutingContext ctx) {
    contentMost.accumulateAndGet(contentNow.incrementAndGet(), Math::max);
    ctx.addEndHandler(v -> contentNow.decrementAndGet());
    if (contentDelayMillis > 0) {
      ctx.vertx().setTimer(contentDelayMillis, t -> answerContent(ctx));
    } else {
      answerContent(ctx);
    }
  }

  private void answerContent(RoutingContext ctx) {
    contentReads.incrementAndGet();
    Integer status = contentAnswers.pollFirst();
    if (status != null && status != 200) {
      json(ctx, status, new JsonObject().put("message", "Not found or not ready"));
      return;
    }
    ctx.response().putHeader("Content-Type", "image/jpeg").end(Buffer.buffer(media));
  }

  private void leave(RoutingContext ctx, String kind) {
    leaves.add(kind + ":" + ctx.pathParam("id"));
    json(ctx, 200, new JsonObject());
  }

  private void reply(RoutingContext ctx) {
    replies.add(new Call(ctx.normalizedPath(), null, ctx.request().getHeader("Authorization"), ctx.body().asJsonObject()));
    json(ctx, replyStatus, replyStatus == 200 ? new JsonObject().put("sentMessages", List.of())
        : new JsonObject().put("message", "Invalid reply token"));
  }

  void answerPush(int status, String retryAfter, String message) {
    synchronized (pushAnswers) {
      pushAnswers.addLast(new Answer(status, retryAfter, new JsonObject().put("message", message)));
    }
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
