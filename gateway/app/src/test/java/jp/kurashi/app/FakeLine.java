package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jp.kurashi.testkit.Await;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A local server standing in for LINE's API: records pushes, answers replies, profiles and the quota. */
final class FakeLine implements AutoCloseable {

  final List<JsonObject> pushes = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeLine(Vertx vertx, String displayName) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.post("/v2/bot/message/push").handler(ctx -> {
      pushes.add(ctx.body().asJsonObject());
      json(ctx, new JsonObject().put("sentMessages", new JsonArray().add(new JsonObject().put("id", "1").put("quoteToken", "q"))));
    });
    router.post("/v2/bot/message/reply").handler(ctx -> json(ctx, new JsonObject().put("sentMessages", new JsonArray())));
    router.get("/v2/bot/profile/:userId").handler(ctx -> json(ctx, new JsonObject()
        .put("userId", ctx.pathParam("userId")).put("displayName", displayName).put("language", "ja")));
    router.get("/v2/bot/message/quota").handler(ctx -> json(ctx, new JsonObject().put("type", "limited").put("value", 200)));
    router.get("/v2/bot/message/quota/consumption").handler(ctx -> json(ctx, new JsonObject().put("totalUsage", 10)));
    server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/";
  }

  /** A webhook body and its X-Line-Signature. */
  record Signed(String body, String signature) {
  }

  /** A webhook callback with one event, signed as LINE signs it. */
  static Signed signedCallback(String channelSecret, JsonObject event) throws GeneralSecurityException {
    String body = new JsonObject().put("destination", "U0").put("events", new JsonArray().add(event)).encode();
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(channelSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return new Signed(body, Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
  }

  static JsonObject event(String type, String eventId, String userId) {
    return new JsonObject().put("type", type).put("mode", "active").put("timestamp", System.currentTimeMillis())
        .put("webhookEventId", eventId).put("source", new JsonObject().put("type", "user").put("userId", userId))
        .put("deliveryContext", new JsonObject().put("isRedelivery", false)).put("replyToken", "reply-" + eventId);
  }

  private static void json(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").end(body.encode());
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
