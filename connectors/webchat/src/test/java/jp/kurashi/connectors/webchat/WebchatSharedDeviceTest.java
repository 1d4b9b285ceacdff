package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("A web chat on a shared device")
class WebchatSharedDeviceTest {

  /** A one-pixel PNG: enough for the upload endpoint to accept it as an image. */
  private static final byte[] PNG = java.util.Base64.getDecoder().decode(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

  private WebchatServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int socketStatus(String token) {
    return Await.result(server.http().get(server.port(), "127.0.0.1", "/webchat/socket?token=" + token).send())
        .statusCode();
  }

  private int upload(String token, String clientId) {
    return Await.result(server.http().post(server.port(), "127.0.0.1", "/webchat/uploads")
        .putHeader("X-Chat-Token", token).putHeader("X-Client-Id", clientId).putHeader("Content-Type", "image/png")
        .sendBuffer(Buffer.buffer(PNG))).statusCode();
  }

  private HttpResponse<Buffer> end(String token) {
    var request = server.http().delete(server.port(), "127.0.0.1", "/webchat/sessions/current");
    if (token != null) {
      request.putHeader("X-Chat-Token", token);
    }
    return Await.result(request.send());
  }

  private ChatClient authenticated(String token, Long after) {
    ChatClient chat = server.connectWithoutToken(after);
    chat.send(new JsonObject().put("type", "auth").put("token", token));
    assertThat(chat.next("auth", "error").getString("type")).isEqualTo("auth");
    return chat;
  }

  @Nested
  @DisplayName("idle sessions")
  class Idle {

    @Test
    @DisplayName("are refused (socket and API 401) once unused for the idle limit of the injected clock, and kept alive by use")
    void expireAfterIdleLimit() {
      String token = server.newSession();
      try (ChatClient chat = server.consentedChat(token)) {
        assertThat(chat.message("c1", "家賃が払えません").getString("type")).isEqualTo("ack");
      }

      server.clock.advance(Duration.ofDays(13));
      assertThat(upload(token, "img-1")).as("used after 13 days").isEqualTo(201);
      server.clock.advance(Duration.ofDays(13));
      try (ChatClient chat = authenticated(token, null)) {
        assertThat(chat.message("c2", "まだ相談中です").getString("type")).as("13 days after the last use").isEqualTo("ack");
      }

      server.clock.advance(Duration.ofDays(14).plusMinutes(1));
      assertThat(socketStatus(token)).isEqualTo(401);
      assertThat(upload(token, "img-2")).isEqualTo(401);
      ChatClient chat = server.connectWithoutToken(null);
      chat.send(new JsonObject().put("type", "auth").put("token", token));
      assertThat(chat.next("auth", "error").getString("code")).isEqualTo("unknown_token");
      assertThat(chat.closedWith()).isEqualTo((short) 4401);
    }
  }

  @Nested
  @DisplayName("DELETE /webchat/sessions/current")
  class End {

    @Test
    @DisplayName("revokes the token: its open socket gets unknown_token and closes 4401, a new socket and uploads get 401")
    void revokes() {
      String token = server.newSession();
      ChatClient open = server.consentedChat(token);
      assertThat(open.message("c1", "相談したいです").getString("type")).isEqualTo("ack");

      assertThat(end(token).statusCode()).isEqualTo(204);

      assertThat(open.next("error").getString("code")).isEqualTo("unknown_token");
      assertThat(open.closedWith()).isEqualTo((short) 4401);
      assertThat(socketStatus(token)).isEqualTo(401);
      assertThatThrownBy(() -> server.connect(token, 0L)).isNotNull();
      assertThat(upload(token, "img-1")).isEqualTo(401);
      ChatClient again = server.connectWithoutToken(0L);
      again.send(new JsonObject().put("type", "auth").put("token", token));
      assertThat(again.next("auth", "error").getString("code")).isEqualTo("unknown_token");
      assertThat(again.closedWith()).isEqualTo((short) 4401);
      assertThat(server.metrics.render()).contains("webchat_sessions_ended_total 1");
    }

    @Test
    @DisplayName("ended from another instance, a socket opened before consent cannot begin the chat again: its consent gets unknown_token")
    void endedElsewhereBeforeConsent() {
      String token = server.newSession();
      ChatClient early = server.connect(token, null);
      // Ended on another instance: the row is revoked, and this instance's sockets are not told (none had consented).
      Await.result(server.db.pool().query("UPDATE webchat_session SET revoked_at = now()").execute());

      early.send(new JsonObject().put("type", "consent").put("accepted", true)
          .put("version", server.profile.privacyNoticeVersion()));

      assertThat(early.next("consent", "error").getString("code")).isEqualTo("unknown_token");
      assertThat(early.closedWith()).isEqualTo((short) 4401);
      assertThat(Await.result(server.db.pool().query("SELECT count(*) FROM contact").execute()).iterator().next()
          .getLong(0)).as("no contact, so no chat begun").isZero();
    }

    @Test
    @DisplayName("is idempotent for the same token and answers 401 for an unknown or missing token")
    void idempotent() {
      String token = server.newSession();
      assertThat(end(token).statusCode()).isEqualTo(204);
      assertThat(end(token).statusCode()).isEqualTo(204);
      HttpResponse<Buffer> unknown = end("never-issued-token");
      assertThat(unknown.statusCode()).isEqualTo(401);
      assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("unknown_token");
      assertThat(end(null).statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("leaves other chats alone")
    void othersUntouched() {
      String mine = server.newSession();
      String theirs = server.newSession();
      try (ChatClient other = server.consentedChat(theirs)) {
        assertThat(end(mine).statusCode()).isEqualTo(204);
        assertThat(other.message("c1", "まだ使えますか").getString("type")).isEqualTo("ack");
      }
      assertThat(upload(theirs, "img-1")).isEqualTo(201);
    }
  }

  @Nested
  @DisplayName("authentication by the first frame")
  class FirstFrame {

    @Test
    @DisplayName("opens the chat without the token in the URL, keeps clientId dedupe and replays with after")
    void authFrame() {
      String token = server.newSession();
      long firstId;
      try (ChatClient chat = authenticated(token, null)) {
        chat.send(new JsonObject().put("type", "consent").put("accepted", true)
            .put("version", server.profile.privacyNoticeVersion()));
        chat.next("consent");
        firstId = chat.message("c1", "仕事を探しています").getLong("id");
        assertThat(chat.message("c1", "仕事を探しています").getLong("id")).as("same clientId, same message").isEqualTo(firstId);
      }
      try (ChatClient chat = authenticated(token, 0L)) {
        JsonObject replayed = chat.next("message");
        assertThat(replayed.getLong("id")).isEqualTo(firstId);
        assertThat(replayed.getString("text")).isEqualTo("仕事を探しています");
      }
    }

    @Test
    @DisplayName("keeps the frames sent right behind the auth frame, before its answer, and handles them in order")
    void framesBehindAuth() {
      String token = server.newSession();
      try (ChatClient chat = server.connectWithoutToken(null)) {
        chat.send(new JsonObject().put("type", "auth").put("token", token));
        chat.send(new JsonObject().put("type", "consent").put("accepted", true)
            .put("version", server.profile.privacyNoticeVersion()));
        chat.send(new JsonObject().put("type", "message").put("clientId", "c1").put("text", "すぐ送りました"));
        JsonObject auth = chat.next("auth", "error");
        assertThat(auth.getString("type")).as(auth.encode()).isEqualTo("auth");
        JsonObject consent = chat.next("consent", "error");
        assertThat(consent.getString("type")).as(consent.encode()).isEqualTo("consent");
        JsonObject ack = chat.next("ack", "error");
        assertThat(ack.getString("type")).as(ack.encode()).isEqualTo("ack");
        assertThat(ack.getString("clientId")).isEqualTo("c1");
      }
    }

    @Test
    @DisplayName("answers a garbage or non-auth first frame with the auth_required error and closes 4401")
    void garbageFirstFrame() {
      ChatClient garbage = server.connectWithoutToken(null);
      garbage.sendRaw("hello{");
      JsonObject error = garbage.next("error");
      assertThat(error.getString("code")).isEqualTo("auth_required");
      assertThat(garbage.closedWith()).isEqualTo((short) 4401);

      ChatClient message = server.connectWithoutToken(null);
      message.send(new JsonObject().put("type", "message").put("clientId", "c1").put("text", "こんにちは"));
      assertThat(message.next("error").getString("code")).isEqualTo("auth_required");
      assertThat(message.closedWith()).isEqualTo((short) 4401);
    }

    @Test
    @DisplayName("answers an auth frame with an unknown token with unknown_token and closes 4401")
    void unknownToken() {
      ChatClient chat = server.connectWithoutToken(null);
      chat.send(new JsonObject().put("type", "auth").put("token", "not-a-token"));
      assertThat(chat.next("error").getString("code")).isEqualTo("unknown_token");
      assertThat(chat.closedWith()).isEqualTo((short) 4401);
    }
  }
}
