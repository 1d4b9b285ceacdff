package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The gateway with LINE configured")
class LineWiringTest {

  @Test
  @DisplayName("takes signed webhooks at /webhook/line into the queue and reports the channel in /health")
  void wired(Vertx vertx) throws Exception {
    String secret = "wiring-secret";
    String unusedApi = "http://127.0.0.1:" + FreePorts.next() + "/";
    try (RunningGateway running = RunningGateway.start(vertx, Map.of(
        "DATABASE_URL", TestDatabases.migrated(),
        "LINE_CHANNEL_SECRET", secret, "LINE_CHANNEL_ACCESS_TOKEN", "token",
        "LINE_API_BASE_URL", unusedApi, "LINE_DATA_API_BASE_URL", unusedApi))) {
      JsonObject event = new JsonObject().put("type", "message").put("mode", "active")
          .put("timestamp", System.currentTimeMillis()).put("webhookEventId", "01HWIRING")
          .put("source", new JsonObject().put("type", "user").put("userId", "Uwiring"))
          .put("deliveryContext", new JsonObject().put("isRedelivery", false)).put("replyToken", "r")
          .put("message", new JsonObject().put("type", "text").put("id", "1").put("text", "お金がありません")
              .put("quoteToken", "q"));
      byte[] body = new JsonObject().put("destination", "U0").put("events", new JsonArray().add(event)).encode()
          .getBytes(StandardCharsets.UTF_8);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String signature = Base64.getEncoder().encodeToString(mac.doFinal(body));

      int status = Await.result(WebClient.create(vertx).post(running.gateway.httpPort(), "127.0.0.1", "/webhook/line")
          .putHeader("X-Line-Signature", signature).sendBuffer(Buffer.buffer(body))).statusCode();
      assertThat(status).isEqualTo(200);

      RunningGateway.StaffClient admin = running.client();
      admin.login("admin", RunningGateway.ADMIN_PASSWORD);
      JsonArray items = admin.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items");
      assertThat(items).hasSize(1);
      assertThat(items.getJsonObject(0).getString("channel")).isEqualTo("line");
      assertThat(running.health().bodyAsJsonObject().getJsonObject("channels").containsKey("line")).isTrue();
      JsonArray channels = admin.get("/api/channels").bodyAsJsonObject().getJsonArray("items");
      assertThat(channels.stream().map(o -> ((JsonObject) o).getString("channel"))).contains("webchat", "line");
    }
  }

  private static JsonObject event(String type, String eventId) {
    return new JsonObject().put("type", type).put("mode", "active").put("timestamp", System.currentTimeMillis())
        .put("webhookEventId", eventId).put("source", new JsonObject().put("type", "user").put("userId", "Uunsend"))
        .put("deliveryContext", new JsonObject().put("isRedelivery", false));
  }

  private static int post(Vertx vertx, RunningGateway running, String secret, JsonObject event) throws Exception {
    byte[] body = new JsonObject().put("destination", "U0").put("events", new JsonArray().add(event)).encode()
        .getBytes(StandardCharsets.UTF_8);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Await.result(WebClient.create(vertx).post(running.gateway.httpPort(), "127.0.0.1", "/webhook/line")
        .putHeader("X-Line-Signature", Base64.getEncoder().encodeToString(mac.doFinal(body)))
        .sendBuffer(Buffer.buffer(body))).statusCode();
  }

  @Test
  @DisplayName("shows staff a message the resident unsent as unsent, its text gone from the case API")
  void unsent(Vertx vertx) throws Exception {
    String secret = "wiring-secret";
    String unusedApi = "http://127.0.0.1:" + FreePorts.next() + "/";
    try (RunningGateway running = RunningGateway.start(vertx, Map.of(
        "DATABASE_URL", TestDatabases.migrated(),
        "LINE_CHANNEL_SECRET", secret, "LINE_CHANNEL_ACCESS_TOKEN", "token",
        "LINE_API_BASE_URL", unusedApi, "LINE_DATA_API_BASE_URL", unusedApi))) {
      assertThat(post(vertx, running, secret, event("message", "01HUNSEND1").put("replyToken", "r")
          .put("message", new JsonObject().put("type", "text").put("id", "4711").put("text", "夫に見られたら困ります")
              .put("quoteToken", "q")))).isEqualTo(200);
      assertThat(post(vertx, running, secret, event("unsend", "01HUNSEND2")
          .put("unsend", new JsonObject().put("messageId", "4711")))).isEqualTo(200);

      RunningGateway.StaffClient chief = running.chief();
      long caseId = chief.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
          .getLong("id");
      var response = chief.get("/api/cases/" + caseId);
      JsonObject message = response.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
      assertThat(message.getBoolean("unsent")).isTrue();
      assertThat(message.getString("text")).isEmpty();
      assertThat(response.bodyAsString()).doesNotContain("夫に見られたら");
    }
  }
}
