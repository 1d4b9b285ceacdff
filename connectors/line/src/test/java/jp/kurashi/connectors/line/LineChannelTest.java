package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.store.ContactUnreachableException;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("The LINE channel")
class LineChannelTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private LineServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new LineServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long caseOf(String userId) {
    return server.one("""
        SELECT c.id FROM consultation_case c JOIN contact k ON k.id = c.contact_id
        WHERE k.channel = 'line' AND k.external_id = $1""", userId).getLong(0);
  }

  private String delivery(long messageId) {
    return server.one("SELECT delivery FROM message WHERE id = $1", messageId).getString(0);
  }

  @Nested
  @DisplayName("webhook signatures")
  class Signatures {

    @Test
    @DisplayName("a wrong or missing signature gets 401 and nothing is stored")
    void refused() {
      byte[] body = LineEvents.callback(LineEvents.text("e1", "U1", "助けてください")).encode().getBytes(StandardCharsets.UTF_8);

      assertThat(server.post(body, LineSigner.sign("another-secret", body)).statusCode()).isEqualTo(401);
      assertThat(server.post(body, null).statusCode()).isEqualTo(401);
      byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("助けて", "ほげ").getBytes(StandardCharsets.UTF_8);
      assertThat(server.post(tampered, LineSigner.sign(LineServer.SECRET, body)).statusCode()).isEqualTo(401);
      assertThat(server.post(body, "not base64 at all!").statusCode()).as("a signature that is not base64").isEqualTo(401);
      assertThat(server.count("SELECT count(*) FROM message")).isZero();
      assertThat(server.count("SELECT count(*) FROM contact")).isZero();
      assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "signature")).isEqualTo(4);
      assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "malformed")).isZero();
      assertThat(server.metrics.render()).as("a refused delivery is not an acknowledged one")
          .doesNotContain("inbound_ack_seconds");
    }

    @Test
    @DisplayName("a correctly signed body that is not a LINE callback gets 400, counted as malformed, not as a bad signature")
    void malformed() {
      for (String text : List.of("{\"events\": 42}", "{\"destination\":\"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}", "[]", "")) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        assertThat(server.post(body, LineSigner.sign(LineServer.SECRET, body)).statusCode()).as(text).isEqualTo(400);
      }
      assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "malformed")).isEqualTo(4);
      assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "signature")).isZero();
    }

    @Test
    @DisplayName("beyond the deliveries read at once, one gets 503 before its body is read; the next after them is served")
    void tooManyAtOnce() {
      io.vertx.core.http.HttpClient http = server.vertx.createHttpClient(
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(LineServer.IN_FLIGHT + 2));
      try {
        java.util.List<io.vertx.core.http.HttpClientRequest> open = new java.util.ArrayList<>();
        for (int i = 0; i <= LineServer.IN_FLIGHT; i++) {
          // Only the head of a 1 MB delivery: a signature can be checked only once the body is in.
          io.vertx.core.http.HttpClientRequest req = Await.result(http.request(io.vertx.core.http.HttpMethod.POST,
              server.port(), "127.0.0.1", "/webhook/line"));
          req.putHeader("Content-Type", "application/json").putHeader("X-Line-Signature", "x")
              .putHeader("Content-Length", String.valueOf(1_000_000));
          Await.result(req.sendHead());
          open.add(req);
        }
        io.vertx.core.http.HttpClientResponse refused = Await.result(open.get(LineServer.IN_FLIGHT).response()
            .timeout(5, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "busy")).isEqualTo(1);
        for (io.vertx.core.http.HttpClientRequest req : open.subList(0, LineServer.IN_FLIGHT)) {
          req.reset();
        }
        Await.until(WAIT, "served again", () -> server.post(LineEvents.callback()).statusCode() == 200);
      } finally {
        http.close();
      }
    }

    @Test
    @DisplayName("deliveries whose body does not come in time are cut off, and their places serve LINE again")
    void slowBodiesCutOff() {
      io.vertx.core.http.HttpClient http = server.vertx.createHttpClient(
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(LineServer.IN_FLIGHT));
      try {
        java.util.List<Future<io.vertx.core.http.HttpClientResponse>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < LineServer.IN_FLIGHT; i++) {
          io.vertx.core.http.HttpClientRequest req = Await.result(http.request(io.vertx.core.http.HttpMethod.POST,
              server.port(), "127.0.0.1", "/webhook/line"));
          req.putHeader("Content-Type", "application/json").putHeader("X-Line-Signature", "x")
              .putHeader("Content-Length", "1000");
          Await.result(req.write("{\"events\":"));
          answers.add(req.response());
        }
        long started = System.nanoTime();
        Await.until(WAIT, "all cut off", () -> answers.stream().allMatch(Future::failed));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(LineServer.READ_TIMEOUT.plusSeconds(3));
        assertThat(server.metrics.value("line_webhooks_refused_total", "reason", "slow")).isEqualTo(LineServer.IN_FLIGHT);
        assertThat(server.post(LineEvents.callback(LineEvents.text("after", "U1", "届きますか"))).statusCode())
            .as("every place free again").isEqualTo(200);
      } finally {
        http.close();
      }
    }

    @Test
    @DisplayName("LINE's verification call with no events gets 200")
    void verify() {
      assertThat(server.post(LineEvents.callback()).statusCode()).isEqualTo(200);
    }
  }

  @Nested
  @DisplayName("message events")
  class Messages {

    @Test
    @DisplayName("are stored before the 200, with the sender's display name fetched once")
    void stored() {
      assertThat(server.post(LineEvents.callback(LineEvents.text("e1", "U1", "家賃が払えません"))).statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT body FROM message WHERE external_id = 'e1'").getString(0)).isEqualTo("家賃が払えません");
      assertThat(server.metrics.render()).contains("inbound_ack_seconds_count{channel=\"line\"} 1\n");
      Await.until(WAIT, "display name", () -> "山田 太郎".equals(
          server.one("SELECT display_name FROM contact WHERE external_id = 'U1'").getString(0)));
    }

    @Test
    @DisplayName("posted twice, also concurrently and as a redelivery, are one message")
    void deduplicated() {
      JsonObject callback = LineEvents.callback(LineEvents.text("dup", "U1", "一度だけ"));
      List<CompletableFuture<Integer>> posts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        posts.add(CompletableFuture.supplyAsync(() -> server.post(callback).statusCode()));
      }
      posts.forEach(p -> assertThat(p.join()).isEqualTo(200));
      assertThat(server.post(LineEvents.callback(LineEvents.text("dup", "U1", "一度だけ", true))).statusCode()).isEqualTo(200);

      assertThat(server.count("SELECT count(*) FROM message")).isEqualTo(1);
    }

    @Test
    @DisplayName("of several kinds in one delivery are all stored; stickers and locations readable")
    void kinds() {
      assertThat(server.post(LineEvents.callback(LineEvents.sticker("s1", "U1"), LineEvents.location("l1", "U1"),
          LineEvents.image("i1", "U1"), LineEvents.beacon("b1", "U1"))).statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT body FROM message WHERE external_id = 's1'").getString(0))
          .startsWith("[スタンプ お願い・困った]").contains("/sticker/1988/");
      assertThat(server.one("SELECT body FROM message WHERE external_id = 'l1'").getString(0))
          .contains("北区役所").contains("35.7528");
      assertThat(server.one("SELECT body FROM message WHERE external_id = 'i1'").getString(0)).isEqualTo("[画像]");
      Await.until(WAIT, "image bytes stored", () -> server.count("""
          SELECT count(*) FROM attachment a JOIN message m ON m.id = a.message_id WHERE m.external_id = 'i1'""") == 1);
      assertThat(server.one("SELECT content_type FROM attachment").getString(0)).isEqualTo("image/jpeg");
    }

    @Test
    @DisplayName("a message sticker keeps the words the resident typed on it, first")
    void messageSticker() {
      assertThat(server.post(LineEvents.callback(LineEvents.messageSticker("ms1", "U1", "もう限界です、助けて")))
          .statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT body FROM message WHERE external_id = 'ms1'").getString(0))
          .startsWith("もう限界です、助けて [スタンプ お願い・困った]");
    }

    @Test
    @DisplayName("an image kept on a LIFF app's server is stored with its address, and LINE's content API is not asked for it")
    void externalImage() {
      assertThat(server.post(LineEvents.callback(LineEvents.externalImage("x1", "U1", "https://example.jp/notice.jpg"),
          LineEvents.image("i2", "U1"))).statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT body FROM message WHERE external_id = 'x1'").getString(0))
          .isEqualTo("[画像] https://example.jp/notice.jpg");
      Await.until(WAIT, "the LINE image's bytes stored", () -> server.count("SELECT count(*) FROM attachment") == 1);
      assertThat(server.count("""
          SELECT count(*) FROM line_media l JOIN message m ON m.id = l.message_id WHERE m.external_id = 'x1'"""))
          .as("nothing to fetch").isZero();
    }
  }

  @Nested
  @DisplayName("follow, consent and unfollow")
  class Lifecycle {

    @Test
    @DisplayName("follow gets the greeting with hours, privacy notice and a consent button, once")
    void greeting() {
      server.post(LineEvents.callback(LineEvents.follow("f1", "U1")));
      server.post(LineEvents.callback(LineEvents.follow("f1", "U1")));

      Await.until(WAIT, "greeting", () -> server.line.replies.size() == 1);
      JsonObject reply = server.line.replies.get(0).body();
      assertThat(reply.getString("replyToken")).isEqualTo("reply-f1");
      JsonObject message = reply.getJsonArray("messages").getJsonObject(0);
      assertThat(message.getString("text")).contains("受付時間").contains(server.profile.privacyNotice().in("ja"))
          .contains("ご意見・苦情: " + server.profile.desk().complaints().in("ja"));
      JsonObject action = message.getJsonObject("quickReply").getJsonArray("items").getJsonObject(0).getJsonObject("action");
      assertThat(action.getString("type")).isEqualTo("postback");
      assertThat(action.getString("data")).isEqualTo("kurashi:consent:" + server.profile.privacyNoticeVersion());
      assertThat(server.line.replies.get(0).authorization()).isEqualTo("Bearer test-access-token");
    }

    @Test
    @DisplayName("a greeting or thanks whose reply token LINE refuses, or that came redelivered, is pushed instead, once; "
        + "a redelivered message's old token is not kept")
    void greetingPushedWhenTokenFails() {
      server.line.replyStatus = 400;
      server.post(LineEvents.callback(LineEvents.follow("f1", "U1")));
      Await.until(WAIT, "greeting pushed", () -> server.line.pushes.size() == 1);
      assertThat(server.line.replies).hasSize(1);
      assertThat(server.line.pushes.get(0).body().getString("to")).isEqualTo("U1");
      assertThat(server.line.pushes.get(0).body().getJsonArray("messages").getJsonObject(0).getString("text"))
          .contains("受付時間");
      assertThat(server.line.pushes.get(0).retryKey()).isNotBlank();

      server.line.replyStatus = 200;
      server.post(LineEvents.callback(LineEvents.postback("p1", "U2", "kurashi:consent:2026-04-01")
          .put("deliveryContext", new JsonObject().put("isRedelivery", true))));
      Await.until(WAIT, "thanks pushed", () -> server.line.pushes.size() == 2);
      assertThat(server.line.replies).as("a redelivery's token is not tried").hasSize(1);

      server.post(LineEvents.callback(LineEvents.text("e9", "U3", "遅れて届いた相談", true)));
      long sent = Await.result(server.replies.queueSystem(caseOf("U3"), "受け付けました")).messageId();
      Await.until(WAIT, "sent", () -> "sent".equals(delivery(sent)));
      assertThat(server.line.replies).as("pushed, not replied with the old token").hasSize(1);
      assertThat(server.line.pushes).hasSize(3);
    }

    @Test
    @DisplayName("the consent button's postback records consent with the notice's version")
    void consent() {
      server.post(LineEvents.callback(LineEvents.postback("p1", "U1", "kurashi:consent:2026-04-01")));

      assertThat(server.one("SELECT consent_version FROM contact WHERE external_id = 'U1'").getString(0)).isEqualTo("2026-04-01");
      Await.until(WAIT, "thanks", () -> server.line.replies.size() == 1);
    }

    @Test
    @DisplayName("unfollow marks the contact unreachable, and replies to it are refused with the reason")
    void unfollow() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.post(LineEvents.callback(LineEvents.unfollow("u1", "U1")));

      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U1'").getBoolean(0)).isFalse();
      assertThatThrownBy(() -> Await.result(server.replies.queue(caseOf("U1"), server.staff(), "届きますか")))
          .isInstanceOf(ContactUnreachableException.class).hasMessageContaining("blocked");
      server.post(LineEvents.callback(LineEvents.follow("f2", "U1")));
      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U1'").getBoolean(0)).isTrue();
    }

    @Test
    @DisplayName("follow and unfollow apply in the order they happened: an unfollow redelivered after a later follow changes nothing")
    void lateUnfollow() {
      long t = System.currentTimeMillis();
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.post(LineEvents.callback(LineEvents.follow("f1", "U1").put("timestamp", t + 10_000)));
      assertThat(server.post(LineEvents.callback(LineEvents.unfollow("u1", "U1").put("timestamp", t)
          .put("deliveryContext", new JsonObject().put("isRedelivery", true)))).statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U1'").getBoolean(0)).isTrue();
      server.post(LineEvents.callback(LineEvents.unfollow("u2", "U1").put("timestamp", t + 20_000)));
      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U1'").getBoolean(0)).isFalse();
    }

    @Test
    @DisplayName("a follow before the first message is kept: an older unfollow redelivered after that message changes nothing")
    void followBeforeFirstMessage() {
      long t = System.currentTimeMillis();
      server.post(LineEvents.callback(LineEvents.follow("f1", "U2").put("timestamp", t + 10_000)));
      server.post(LineEvents.callback(LineEvents.text("e1", "U2", "相談です")));
      server.post(LineEvents.callback(LineEvents.unfollow("u1", "U2").put("timestamp", t)
          .put("deliveryContext", new JsonObject().put("isRedelivery", true))));

      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U2'").getBoolean(0)).isTrue();
      assertThat(server.one("SELECT count(*) FROM contact WHERE external_id = 'U2'").getLong(0)).isEqualTo(1L);

      // Someone who blocked the desk before writing stays blocked when their older follow comes late.
      server.post(LineEvents.callback(LineEvents.unfollow("u3", "U3").put("timestamp", t + 10_000)));
      server.post(LineEvents.callback(LineEvents.follow("f3", "U3").put("timestamp", t)
          .put("deliveryContext", new JsonObject().put("isRedelivery", true))));
      assertThat(server.one("SELECT reachable FROM contact WHERE external_id = 'U3'").getBoolean(0)).isFalse();
      server.post(LineEvents.callback(LineEvents.follow("f9", "U9")));
      Await.until(WAIT, "a later greeting", () -> server.line.replies.stream()
          .anyMatch(r -> "reply-f9".equals(r.body().getString("replyToken"))));
      assertThat(server.line.pushes).as("no greeting pushed to someone who blocked the desk since").noneMatch(p ->
          "U3".equals(p.body().getString("to")));
      assertThat(server.line.replies).noneMatch(r -> "reply-f3".equals(r.body().getString("replyToken")));
    }
  }

  @Nested
  @DisplayName("group chats")
  class Groups {

    @Test
    @DisplayName("invited to a group, the account says once that it answers one person at a time and leaves; "
        + "nothing said there is stored, consented to or answered, and no group reply token is kept")
    void invitedAndLeft() {
      JsonObject inGroup = LineEvents.inShared(LineEvents.text("g2", "U1", "死にたい。家族には内緒です"), "Cgroup1", false);
      assertThat(server.post(LineEvents.callback(LineEvents.join("g1", "Cgroup1"), inGroup,
          LineEvents.inShared(LineEvents.follow("g3", "U1"), "Cgroup1", false),
          LineEvents.inShared(LineEvents.postback("g4", "U1", "kurashi:consent:2026-04-01"), "Cgroup1", false),
          LineEvents.inShared(LineEvents.text("r1", "U2", "ルームから"), "Rroom1", true))).statusCode()).isEqualTo(200);

      Await.until(WAIT, "left", () -> server.line.leaves.size() == 2);
      assertThat(server.line.leaves).containsExactlyInAnyOrder("group:Cgroup1", "room:Rroom1");
      assertThat(server.line.replies).hasSize(1);
      assertThat(server.line.replies.get(0).body().getString("replyToken")).isEqualTo("reply-g1");
      assertThat(server.line.replies.get(0).body().getJsonArray("messages").getJsonObject(0).getString("text"))
          .contains("1対1").contains("one-to-one");
      assertThat(server.count("SELECT count(*) FROM message")).as("nothing stored").isZero();
      assertThat(server.count("SELECT count(*) FROM contact")).as("no contact, no consent, no token").isZero();
      assertThat(server.count("SELECT count(*) FROM consultation_case")).isZero();
      assertThat(server.metrics.render()).contains("line_events_total{kind=\"shared_chat\"} 5");
      assertThat(server.post(LineEvents.callback(LineEvents.leave("g5", "Cgroup1"))).statusCode()).isEqualTo(200);

      // The same person writing one-to-one is a consultation as usual, answered on their own chat.
      server.post(LineEvents.callback(LineEvents.text("p1", "U1", "一人で相談したいです")));
      long first = Await.result(server.replies.queueSystem(caseOf("U1"), "受け付けました")).messageId();
      Await.until(WAIT, "sent", () -> "sent".equals(delivery(first)));
      assertThat(server.line.replies).hasSize(2);
      assertThat(server.line.replies.get(1).body().getString("replyToken")).isEqualTo("reply-p1");
      assertThat(server.count("SELECT count(*) FROM message WHERE direction = 'in'")).isEqualTo(1);
      assertThat(server.line.leaves).as("told it left, the account does not leave again").hasSize(2);
    }

    @Test
    @DisplayName("a message stored from a group before this rule can still be taken back from there")
    void unsendFromGroup() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "取り消します")));
      assertThat(server.post(LineEvents.callback(LineEvents.inShared(LineEvents.unsend("u1", "U1", "me1"), "Cgroup1",
          false))).statusCode()).isEqualTo(200);

      assertThat(server.one("SELECT body FROM message WHERE external_id = 'e1'").getString(0)).isEmpty();
      Await.until(WAIT, "left", () -> server.line.leaves.size() == 1);
    }
  }

  @Nested
  @DisplayName("staff replies")
  class Replies {

    @Test
    @DisplayName("are pushed with the outbox key as X-Line-Retry-Key, the same across a 429")
    void retryKeyStableAcross429() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.line.answerPush(429, "1", "Too many requests");

      var reply = Await.result(server.replies.queue(caseOf("U1"), server.staff(), "お返事です"));

      Await.until(WAIT, "sent", () -> "sent".equals(delivery(reply.messageId())));
      assertThat(server.line.pushes).hasSize(2);
      assertThat(server.line.pushes.get(0).retryKey()).isEqualTo(reply.idempotencyKey().toString());
      assertThat(server.line.pushes.get(1).retryKey()).isEqualTo(reply.idempotencyKey().toString());
      JsonObject body = server.line.pushes.get(1).body();
      assertThat(body.getString("to")).isEqualTo("U1");
      assertThat(body.getJsonArray("messages").getJsonObject(0).getString("text")).isEqualTo("お返事です");
      assertThat(server.one("SELECT may_have_arrived FROM outbox WHERE message_id = $1", reply.messageId()).getBoolean(0))
          .as("a 429 is LINE saying it did not take the push").isFalse();
    }

    @Test
    @DisplayName("answered 500, then tried again more than a day after the first attempt: held for staff, not pushed a second time")
    void heldPastTheRetryKey() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.line.answerPush(500, "3", "Internal server error");

      var reply = Await.result(server.replies.queue(caseOf("U1"), server.staff(), "お返事です"));
      Await.until(WAIT, "the 500 recorded", () -> server.one("SELECT claimed_by IS NULL AND attempts = 1 "
          + "AND may_have_arrived FROM outbox WHERE message_id = $1", reply.messageId()).getBoolean(0));
      // The retry comes a day after the first attempt (the gateway was down meanwhile, say).
      server.one("UPDATE outbox SET key_expires_at = now() - interval '2 hours', next_attempt_at = now() "
          + "WHERE message_id = $1 RETURNING id", reply.messageId());

      Await.until(WAIT, "held", () -> "failed".equals(delivery(reply.messageId())));
      assertThat(server.line.pushes).as("only the first attempt").hasSize(1);
      assertThat(server.one("SELECT awaits_confirmation FROM outbox WHERE message_id = $1", reply.messageId())
          .getBoolean(0)).isTrue();
    }

    @Test
    @DisplayName("refused with a 4xx fail at once, with LINE's words for staff")
    void badRequest() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.line.answerPush(400, null, "The request body has 1 error(s)");

      long id = Await.result(server.replies.queue(caseOf("U1"), server.staff(), "お返事です")).messageId();

      Await.until(WAIT, "failed", () -> "failed".equals(delivery(id)));
      assertThat(server.one("SELECT delivery_error FROM message WHERE id = $1", id).getString(0))
          .isEqualTo("LINE 400: The request body has 1 error(s)");
      assertThat(server.line.pushes).hasSize(1);
    }

    @Test
    @DisplayName("refused for the monthly limit say so plainly and are not retried")
    void monthlyLimit() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.line.answerPush(429, null, "You have reached your monthly limit.");

      long id = Await.result(server.replies.queue(caseOf("U1"), server.staff(), "お返事です")).messageId();

      Await.until(WAIT, "failed", () -> "failed".equals(delivery(id)));
      assertThat(server.one("SELECT delivery_error FROM message WHERE id = $1", id).getString(0)).contains("送信上限");
      assertThat(server.line.pushes).hasSize(1);
    }

    @Test
    @DisplayName("refused for a revoked token mark the channel down in its health")
    void revokedToken() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      server.line.answerPush(401, null, "Authentication failed");

      long id = Await.result(server.replies.queue(caseOf("U1"), server.staff(), "お返事です")).messageId();

      Await.until(WAIT, "failed", () -> "failed".equals(delivery(id)));
      assertThat(server.connector.health().up()).isFalse();
      assertThat(server.connector.health().reason()).contains("access token");
    }

    @Test
    @DisplayName("over 5,000 characters are split into several LINE messages")
    void split() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      String text = "あ".repeat(4_000) + "\n" + "い".repeat(3_000);

      long id = Await.result(server.replies.queue(caseOf("U1"), server.staff(), text)).messageId();

      Await.until(WAIT, "sent", () -> "sent".equals(delivery(id)));
      JsonArray parts = server.line.pushes.get(0).body().getJsonArray("messages");
      assertThat(parts).hasSize(2);
      assertThat(parts.getJsonObject(0).getString("text")).isEqualTo("あ".repeat(4_000));
      assertThat(parts.getJsonObject(1).getString("text")).isEqualTo("い".repeat(3_000));
    }

    @Test
    @DisplayName("a long reply whose first push was taken and a later one refused counts as possibly arrived, and says so to staff")
    void partTakenThenRefused() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "相談です")));
      String text = String.join("\n", java.util.Collections.nCopies(6, "う".repeat(4_000)));
      synchronized (server.line.pushAnswers) {
        server.line.pushAnswers.addLast(new FakeLineApi.Answer(200, null, new JsonObject().put("sentMessages",
            java.util.List.of(new JsonObject().put("id", "1").put("quoteToken", "q")))));
      }
      server.line.answerPush(400, null, "The request body has 1 error(s)");

      long id = Await.result(server.replies.queue(caseOf("U1"), server.staff(), text)).messageId();

      Await.until(WAIT, "failed", () -> "failed".equals(delivery(id)));
      assertThat(server.line.pushes).hasSize(2);
      assertThat(server.one("SELECT may_have_arrived FROM outbox WHERE message_id = $1", id).getBoolean(0))
          .as("its first part reached the resident").isTrue();
      assertThat(server.one("SELECT delivery_error FROM message WHERE id = $1", id).getString(0))
          .startsWith("返信の一部は相談者に届いている可能性があります").contains("The request body has 1 error(s)");
    }

    @Test
    @DisplayName("automatic messages use the reply token while valid, and push once it is used")
    void automaticUsesReplyToken() {
      server.post(LineEvents.callback(LineEvents.text("e1", "U1", "夜中にすみません")));
      long caseId = caseOf("U1");

      long first = Await.result(server.replies.queueSystem(caseId, "受付時間外です")).messageId();
      Await.until(WAIT, "sent", () -> "sent".equals(delivery(first)));
      long second = Await.result(server.replies.queueSystem(caseId, "もう一度お知らせします")).messageId();
      Await.until(WAIT, "sent", () -> "sent".equals(delivery(second)));

      assertThat(server.line.replies).hasSize(1);
      assertThat(server.line.replies.get(0).body().getString("replyToken")).isEqualTo("reply-e1");
      assertThat(server.line.pushes).hasSize(1);
    }
  }

  @Test
  @DisplayName("reads the push quota and warns when 90% is used")
  void quota() {
    server.line.quotaLimit = 200;
    server.line.quotaUsed = 185;
    Await.result(server.connector.refreshQuota());

    JsonObject health = server.connector.health().toJson();
    assertThat(health.getString("status")).isEqualTo("UP");
    assertThat(health.getJsonObject("quota").getLong("remaining")).isEqualTo(15);
    assertThat(health.getJsonObject("quota").getBoolean("warning")).isTrue();

    server.line.quotaStatus = 401;
    Await.result(server.connector.refreshQuota().recover(e -> Future.succeededFuture()));
    assertThat(server.connector.health().up()).isFalse();
  }
}
