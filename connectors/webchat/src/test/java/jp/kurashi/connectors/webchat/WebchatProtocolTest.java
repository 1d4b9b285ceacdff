package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("The web chat protocol")
class WebchatProtocolTest {

  private WebchatServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Row one(String sql, Object... params) {
    return Await.result(server.db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next();
  }

  /** A counter without labels as /metrics shows it; 0 when never incremented. */
  private long counter(String name) {
    Matcher m = Pattern.compile("(?m)^" + name + " (\\d+)$").matcher(server.metrics.render());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  private ChatClient authenticated(String token) {
    ChatClient chat = server.connectWithoutToken(null);
    chat.send(new JsonObject().put("type", "auth").put("token", token));
    assertThat(chat.next("auth", "error").getString("type")).isEqualTo("auth");
    return chat;
  }

  @Nested
  @DisplayName("sessions")
  class Sessions {

    @Test
    @DisplayName("issue a random token of at least 128 bits and keep only its hash")
    void tokenStoredHashed() {
      String token = server.newSession();

      assertThat(Base64.getUrlDecoder().decode(token)).hasSizeGreaterThanOrEqualTo(16);
      Row row = one("SELECT token_hash FROM webchat_session");
      assertThat(row.getString("token_hash")).isEqualTo(SecretTokens.hash(token)).isNotEqualTo(token);
      assertThat(server.newSession()).isNotEqualTo(token);
    }

    @Test
    @DisplayName("refuse a socket with an unknown token")
    void unknownTokenRefused() {
      assertThatThrownBy(() -> server.connect("not-a-token", null)).isNotNull();
      HttpResponse<Buffer> r = Await.result(server.http().get(server.port(), "127.0.0.1", "/webchat/socket?token=nope").send());
      assertThat(r.statusCode()).isEqualTo(401);
    }
  }

  @Nested
  @DisplayName("consent")
  class Consent {

    @Test
    @DisplayName("is required before any message is accepted")
    void messageBeforeConsent() {
      try (ChatClient chat = server.connect(server.newSession(), null)) {
        JsonObject error = chat.message("c-1", "こんにちは");

        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("consent_required");
        assertThat(error.getString("clientId")).isEqualTo("c-1");
        assertThat(one("SELECT count(*) FROM message").getLong(0)).isZero();
      }
    }

    @Test
    @DisplayName("is recorded with its time and the notice's version")
    void recorded() {
      Instant before = Instant.now().minusSeconds(1);
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        Row contact = one("SELECT consent_at, consent_version FROM contact WHERE channel = 'webchat'");
        assertThat(contact.getString("consent_version")).isEqualTo(server.profile.privacyNoticeVersion());
        assertThat(contact.getOffsetDateTime("consent_at").toInstant()).isAfter(before);
        assertThat(chat.message("c-1", "相談です").getString("type")).isEqualTo("ack");
      }
    }

    @Test
    @DisplayName("given again for the same notice (every reconnect of the widget) keeps the time the resident agreed")
    void repeatedConsentKeepsItsTime() {
      String token = server.newSession();
      Instant agreed;
      try (ChatClient chat = server.consentedChat(token)) {
        agreed = one("SELECT consent_at FROM contact WHERE channel = 'webchat'").getOffsetDateTime(0).toInstant();
      }
      server.clock.advance(java.time.Duration.ofHours(1));

      try (ChatClient again = server.consentedChat(token)) {
        Row contact = one("SELECT consent_at, consent_version FROM contact WHERE channel = 'webchat'");
        assertThat(contact.getOffsetDateTime("consent_at").toInstant()).isEqualTo(agreed);
        assertThat(contact.getString("consent_version")).isEqualTo(server.profile.privacyNoticeVersion());
        again.send(new JsonObject().put("type", "consent").put("accepted", true));
        assertThat(again.next("consent", "error").getString("type")).as("an older page's consent, changing nothing")
            .isEqualTo("consent");
        assertThat(one("SELECT consent_at FROM contact WHERE channel = 'webchat'").getOffsetDateTime(0).toInstant())
            .isEqualTo(agreed);
        assertThat(again.message("c-1", "続きです").getString("type")).isEqualTo("ack");
      }
    }

    @Test
    @DisplayName("repeated on the socket that agreed is answered from memory: a flood of consent frames costs no writes")
    void repeatedOnOneSocket() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        Await.result(server.db.pool().query("UPDATE contact SET consent_version = 'written-before'").execute());
        for (int i = 0; i < 20; i++) {
          chat.send(new JsonObject().put("type", "consent").put("accepted", true)
              .put("version", server.profile.privacyNoticeVersion()));
          assertThat(chat.next("consent", "error").getString("type")).isEqualTo("consent");
        }
        assertThat(one("SELECT consent_version FROM contact WHERE channel = 'webchat'").getString(0))
            .as("not written again").isEqualTo("written-before");
        assertThat(chat.message("c-1", "相談です").getString("type")).isEqualTo("ack");
      }
    }

    @Test
    @DisplayName("for a notice other than the current one is refused with notice_changed and not recorded")
    void oldNoticeRefused() {
      String token = server.newSession();
      try (ChatClient chat = server.connect(token, null)) {
        chat.send(new JsonObject().put("type", "consent").put("accepted", true).put("version", "2000-01-01"));
        JsonObject error = chat.next("consent", "error");

        assertThat(error.getString("type")).as(error.encode()).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("notice_changed");
        assertThat(error.getString("message")).contains("/");
        assertThat(one("SELECT count(*) FROM contact").getLong(0)).isZero();
        assertThat(chat.message("c-1", "相談です").getString("code")).isEqualTo("consent_required");
      }
    }

    @Test
    @DisplayName("recorded for an older notice is kept, not replaced, when a page still showing that notice consents")
    void olderConsentNotReplacedByOldPage() {
      String token = server.newSession();
      server.consentedChat(token).close();
      Await.result(server.db.pool().preparedQuery(
          "UPDATE contact SET consent_version = '2000-01-01', consent_at = consent_at - interval '30 days'").execute());
      Row before = one("SELECT consent_at, consent_version FROM contact WHERE channel = 'webchat'");
      server.clock.advance(java.time.Duration.ofHours(1));

      try (ChatClient chat = server.connect(token, null)) {
        chat.send(new JsonObject().put("type", "consent").put("accepted", true).put("version", "2000-01-01"));
        assertThat(chat.next("consent", "error").getString("code")).isEqualTo("notice_changed");
        chat.send(new JsonObject().put("type", "consent").put("accepted", true));
        assertThat(chat.next("consent", "error").getString("code")).as("a page that does not say which notice it showed")
            .isEqualTo("notice_changed");
      }
      Row after = one("SELECT consent_at, consent_version FROM contact WHERE channel = 'webchat'");
      assertThat(after.getString("consent_version")).isEqualTo("2000-01-01");
      assertThat(after.getOffsetDateTime("consent_at")).isEqualTo(before.getOffsetDateTime("consent_at"));
    }

    @Test
    @DisplayName("without the notice's version, from a resident who has not consented, is refused with notice_changed")
    void versionlessConsentFromNewResident() {
      try (ChatClient chat = server.connect(server.newSession(), null)) {
        chat.send(new JsonObject().put("type", "consent").put("accepted", true));
        JsonObject error = chat.next("consent", "error");

        assertThat(error.getString("type")).as(error.encode()).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo("notice_changed");
        assertThat(one("SELECT count(*) FROM contact").getLong(0)).isZero();
      }
    }

    @Test
    @DisplayName("is not given by a frame that does not accept")
    void notAccepted() {
      try (ChatClient chat = server.connect(server.newSession(), null)) {
        chat.send(new JsonObject().put("type", "consent").put("accepted", false));
        assertThat(chat.next("error").getString("code")).isEqualTo("consent_required");
        assertThat(one("SELECT count(*) FROM contact").getLong(0)).isZero();
      }
    }
  }

  @Nested
  @DisplayName("messages")
  class Messages {

    @Test
    @DisplayName("are acknowledged with their stored id after commit")
    void acked() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        JsonObject ack = chat.message("c-1", "家賃が払えません");

        assertThat(ack.getString("type")).isEqualTo("ack");
        assertThat(ack.getString("clientId")).isEqualTo("c-1");
        Row row = one("SELECT body, direction FROM message WHERE id = $1", ack.getLong("id"));
        assertThat(row.getString("body")).isEqualTo("家賃が払えません");
        assertThat(row.getString("direction")).isEqualTo("in");
        assertThat(server.metrics.render()).as("the ack's wait, counted for operators")
            .contains("inbound_ack_seconds_count{channel=\"webchat\"} 1\n");
      }
    }

    @Test
    @DisplayName("sent twice with the same clientId are one message with one id")
    void sameClientIdOnce() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        long first = chat.message("same", "一度だけ").getLong("id");
        long second = chat.message("same", "一度だけ").getLong("id");

        assertThat(second).isEqualTo(first);
        assertThat(one("SELECT count(*) FROM message").getLong(0)).isEqualTo(1);
      }
    }

    @Test
    @DisplayName("with the same clientId from two different chats are two messages")
    void clientIdsAreScopedToTheirChat() {
      try (ChatClient a = server.consentedChat(server.newSession());
           ChatClient b = server.consentedChat(server.newSession())) {
        assertThat(a.message("1", "Aです").getLong("id")).isNotEqualTo(b.message("1", "Bです").getLong("id"));
      }
    }

    @Test
    @DisplayName("are replayed after reconnecting with after=ID, both sides, in order")
    void replay() {
      String token = server.newSession();
      long first;
      long caseId;
      try (ChatClient chat = server.consentedChat(token)) {
        first = chat.message("c-1", "一通目").getLong("id");
        chat.message("c-2", "二通目");
        caseId = one("SELECT case_id FROM message WHERE id = $1", first).getLong(0);
      }
      long staff = one("""
          INSERT INTO staff (office_id, login, display_name, role, password_hash)
          VALUES ($1, 'tanaka', '田中', 'consultant', 'x') RETURNING id""", server.officeId).getLong(0);
      Await.result(server.replies.queue(caseId, staff, "お返事です"));
      Await.until(java.time.Duration.ofSeconds(10), "reply sent",
          () -> "sent".equals(one("SELECT delivery FROM message WHERE direction = 'out'").getString(0)));

      try (ChatClient again = server.connect(token, first)) {
        JsonObject second = again.next("message");
        JsonObject reply = again.next("message");

        assertThat(second.getString("text")).isEqualTo("二通目");
        assertThat(second.getString("from")).isEqualTo("resident");
        assertThat(reply.getString("text")).isEqualTo("お返事です");
        assertThat(reply.getString("from")).isEqualTo("staff");
        assertThat(reply.getLong("id")).isGreaterThan(second.getLong("id"));
      }

      // A reply the desk failed rather than sent (a restore does that to replies that would go out late) is not shown.
      Await.result(server.db.pool().query("UPDATE message SET delivery = 'failed' WHERE direction = 'out'").execute());
      try (ChatClient again = server.connect(token, first)) {
        assertThat(again.next("message").getString("text")).isEqualTo("二通目");
        assertThat(again.drain(1_000)).noneMatch(f -> "message".equals(f.getString("type")));
      }
    }

    @Test
    @DisplayName("replay a reply queued before the client's last message but sent after it, and not what was shown long before")
    void replayCoversReplySentLate() {
      String token = server.newSession();
      long caseId;
      long last;
      try (ChatClient chat = server.consentedChat(token)) {
        caseId = one("SELECT case_id FROM message WHERE id = $1", chat.message("c-1", "一通目").getLong("id")).getLong(0);
        long staff = one("""
            INSERT INTO staff (office_id, login, display_name, role, password_hash)
            VALUES ($1, 'suzuki', '鈴木', 'consultant', 'x') RETURNING id""", server.officeId).getLong(0);
        Await.result(server.replies.queue(caseId, staff, "折り返します"));
        Await.until(java.time.Duration.ofSeconds(10), "reply sent",
            () -> "sent".equals(one("SELECT delivery FROM message WHERE direction = 'out' AND staff_id IS NOT NULL").getString(0)));
        // The resident's next message, from another tab: this socket sees it as its last message frame.
        last = chat.message("c-2", "二通目").getLong("id");
      }
      // The reply (the smaller id) reached the outbox's send only after that message was stored, and this tab's
      // socket dropped before its push arrived.
      Await.result(server.db.pool().preparedQuery("""
          UPDATE message SET shown_at = (SELECT shown_at FROM message WHERE id = $1) + interval '2 seconds'
           WHERE direction = 'out' AND staff_id IS NOT NULL""").execute(Tuple.of(last)));

      try (ChatClient again = server.connect(token, last)) {
        JsonObject reply = again.next("message");
        while (!"staff".equals(reply.getString("from"))) {
          reply = again.next("message"); // the first message, shown within the overlap too, comes again: the client skips it
        }
        assertThat(reply.getString("text")).isEqualTo("折り返します");
        assertThat(reply.getLong("id")).isLessThan(last);
      }

      // Shown well before the client's last message, a reply is one the client has: it is not sent again.
      Await.result(server.db.pool().preparedQuery("""
          UPDATE message SET shown_at = (SELECT shown_at FROM message WHERE id = $1) - interval '5 minutes'
           WHERE case_id = $2 AND id <> $1""").execute(Tuple.of(last, caseId)));
      try (ChatClient again = server.connect(token, last)) {
        assertThat(again.drain(1_000)).noneMatch(f -> "message".equals(f.getString("type")) && f.getLong("id") <= last);
      }
    }

    @Test
    @DisplayName("when events may have been missed, an open socket shows the reply another instance sent meanwhile, and closes on a chat ended there")
    void catchUpAfterMissedEvents() {
      String token = server.newSession();
      try (ChatClient chat = server.consentedChat(token)) {
        long first = chat.message("c-1", "相談です").getLong("id");
        long staff = one("""
            INSERT INTO staff (office_id, login, display_name, role, password_hash)
            VALUES ($1, 'kato', '加藤', 'consultant', 'x') RETURNING id""", server.officeId).getLong(0);
        // Sent by another instance while the bus between them was down: its event never came here.
        long reply = one("""
            INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery)
            SELECT case_id, contact_id, channel, 'out', '明日お電話します', $2, 'sent' FROM message WHERE id = $1
            RETURNING id""", first, staff).getLong(0);
        assertThat(chat.drain(500)).noneMatch(f -> "message".equals(f.getString("type")));

        server.sockets.eventsMissed();
        JsonObject shown = chat.next("message");
        assertThat(shown.getLong("id")).isEqualTo(reply);
        assertThat(shown.getString("text")).isEqualTo("明日お電話します");

        // Ended on another instance meanwhile, its event lost too.
        Await.result(server.db.pool().query("UPDATE webchat_session SET revoked_at = now()").execute());
        server.sockets.eventsMissed();
        assertThat(chat.next("error").getString("code")).isEqualTo("unknown_token");
        assertThat(chat.closedWith()).isEqualTo((short) 4401);
      }
    }

    @Test
    @DisplayName("from staff reach an open socket at once, with staff typing before")
    void liveReply() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        long id = chat.message("c-1", "誰かいますか").getLong("id");
        Row m = one("SELECT case_id, contact_id FROM message WHERE id = $1", id);

        Await.result(server.events.publish(new CaseEvent(CaseEvent.STAFF_TYPING, server.officeId, m.getLong(0),
            m.getLong(1), null, "webchat", Instant.now())));
        assertThat(chat.next("typing")).isNotNull();
        Await.result(server.replies.queueSystem(m.getLong(0), "はい、相談員の田中です"));

        JsonObject reply = chat.next("message");
        while (!"system".equals(reply.getString("from"))) {
          reply = chat.next("message");
        }
        assertThat(reply.getString("text")).isEqualTo("はい、相談員の田中です");
      }
    }

    @Test
    @DisplayName("of the resident reach their other tab, not back to the socket that sent them (it has the ack)")
    void ownMessageToOtherTabOnly() {
      String token = server.newSession();
      try (ChatClient sender = server.consentedChat(token); ChatClient otherTab = server.consentedChat(token)) {
        long id = sender.message("c-1", "別のタブにも").getLong("id");
        JsonObject shown = otherTab.next("message");
        assertThat(shown.getLong("id")).isEqualTo(id);
        assertThat(shown.getString("from")).isEqualTo("resident");

        // The event reached both sockets before this reply was queued: had the sender been sent its own message,
        // that frame would come before the reply.
        Await.result(server.replies.queueSystem(one("SELECT case_id FROM message WHERE id = $1", id).getLong(0),
            "受け付けました"));
        JsonObject next = sender.next("message");
        assertThat(next.getString("text")).isEqualTo("受け付けました");
        assertThat(otherTab.next("message").getString("text")).isEqualTo("受け付けました");
      }
    }
  }

  @Nested
  @DisplayName("bad input")
  class BadInput {

    @Test
    @DisplayName("gets an error frame and leaves the socket usable")
    void errorsKeepSocketOpen() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        chat.sendRaw("{not json");
        assertThat(chat.next("error").getString("code")).isEqualTo("invalid_json");
        chat.sendRaw("[1,2,3]");
        assertThat(chat.next("error").getString("code")).isEqualTo("invalid_json");
        chat.sendRaw("null");
        assertThat(chat.next("error").getString("code")).isEqualTo("invalid_json");
        chat.send(new JsonObject().put("type", "dance"));
        assertThat(chat.next("error").getString("code")).isEqualTo("unknown_type");
        chat.send(new JsonObject().put("type", "message").put("text", "no client id"));
        assertThat(chat.next("error").getString("code")).isEqualTo("invalid_client_id");
        assertThat(chat.message("long", "あ".repeat(4_001)).getString("code")).isEqualTo("text_too_long");
        chat.sendRaw(new JsonObject().put("type", "message").put("clientId", "big").put("text", "x".repeat(17_000)).encode());
        assertThat(chat.next("error").getString("code")).isEqualTo("frame_too_large");

        assertThat(chat.isClosed()).isFalse();
        assertThat(chat.message("ok", "まだ使えますか").getString("type")).isEqualTo("ack");
        assertThat(chat.message("exact", "あ".repeat(4_000)).getString("type")).isEqualTo("ack");
        assertThat(server.metrics.value("webchat_frames_rejected_total", "reason", "invalid_json")).isEqualTo(3);
        assertThat(server.metrics.value("webchat_frames_rejected_total", "reason", "frame_too_large")).isEqualTo(1);
      }
    }

    @Test
    @DisplayName("more than 20 messages in 10 seconds are refused as rate_limited")
    void rateLimited() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        for (int i = 0; i < 20; i++) {
          assertThat(chat.message("m" + i, "メッセージ " + i).getString("type")).isEqualTo("ack");
        }
        JsonObject refused = chat.message("m20", "21通目");

        assertThat(refused.getString("code")).isEqualTo("rate_limited");
        assertThat(one("SELECT count(*) FROM message").getLong(0)).isEqualTo(20);
        assertThat(server.metrics.value("webchat_frames_rejected_total", "reason", "rate_limited")).isEqualTo(1);
      }
    }

    @Test
    @DisplayName("a clientId with NUL or another control character is refused before it reaches the database")
    void controlCharactersInClientId() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        for (String clientId : new String[] {"c\u0000", "\u0000", "c\u0007d", "line\nbreak"}) {
          JsonObject refused = chat.message(clientId, "こんにちは");
          assertThat(refused.getString("code")).as(clientId).isEqualTo("invalid_client_id");
        }
        assertThat(one("SELECT count(*) FROM message").getLong(0)).isZero();
        assertThat(chat.message("c-1", "まだ使えますか").getString("type")).isEqualTo("ack");
      }
    }

    @Test
    @DisplayName("a text of only NUL or other control characters is refused like an empty one; line breaks inside text stay")
    void controlCharactersOnlyText() {
      try (ChatClient chat = server.consentedChat(server.newSession())) {
        assertThat(chat.message("c-1", "\u0000").getString("code")).isEqualTo("text_required");
        assertThat(chat.message("c-2", "\u0000\u0001 \u001f\n\t").getString("code")).isEqualTo("text_required");
        assertThat(one("SELECT count(*) FROM message").getLong(0)).isZero();
        assertThat(chat.message("c-3", "一行目\n二行目").getString("type")).isEqualTo("ack");
      }
    }
  }

  @Nested
  @DisplayName("sockets")
  class Sockets {

    @Test
    @DisplayName("closed at once stop the replay after the batch in flight (2,000 messages, after=0)")
    void replayStopsWhenClosed() {
      String token = server.newSession();
      long first;
      try (ChatClient chat = server.consentedChat(token)) {
        first = chat.message("c-1", "最初").getLong("id");
      }
      Await.result(server.db.pool().preparedQuery("""
          INSERT INTO message (office_id, case_id, contact_id, channel, direction, external_id, body, delivery)
          SELECT office_id, case_id, contact_id, channel, 'in', external_id || '-' || g, 'メッセージ ' || g, 'received'
            FROM message, generate_series(1, 2000) g WHERE id = $1""").execute(Tuple.of(first)));
      long before = counter("webchat_replay_reads_total");

      server.connect(token, 0L).startClosing();

      // Time for the whole replay had it gone on: eleven reads of 200 take well under this. The close frame reaches the
      // server after one or two batches on an idle machine; a loaded one (parallel builds) may read a few more first.
      sleep(2_000);
      assertThat(counter("webchat_replay_reads_total") - before).isBetween(1L, 5L);
      try (ChatClient whole = server.connect(token, 0L)) {
        for (int i = 0; i < 2_001; i++) {
          whole.next("message");
        }
      }
      assertThat(counter("webchat_replay_reads_total") - before).as("a socket left open reads it all")
          .isGreaterThanOrEqualTo(11);
    }

    @Test
    @DisplayName("of one token are at most WEBCHAT_MAX_SOCKETS_PER_SESSION (8) at once; the next is refused and closed 4429")
    void capPerSession() {
      String token = server.newSession();
      List<ChatClient> open = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          open.add(server.consentedChat(token));
        }
        ChatClient refused = server.connect(token, null);
        JsonObject error = refused.next("error", "consent");
        assertThat(error.getString("code")).isEqualTo("too_many_sockets");
        assertThat(error.getString("message")).contains("/");
        assertThat(refused.closedWith()).isEqualTo((short) 4429);
        ChatClient byFrame = server.connectWithoutToken(null);
        byFrame.send(new JsonObject().put("type", "auth").put("token", token));
        assertThat(byFrame.next("auth", "error").getString("type")).isEqualTo("auth");
        assertThat(byFrame.next("error").getString("code")).isEqualTo("too_many_sockets");
        assertThat(byFrame.closedWith()).isEqualTo((short) 4429);
        try (ChatClient otherChat = server.consentedChat(server.newSession())) {
          assertThat(otherChat.message("o-1", "別の会話です").getString("type")).as("another token is not counted")
              .isEqualTo("ack");
        }

        open.remove(0).close();
        Await.until(java.time.Duration.ofSeconds(10), "the closed socket to be let go",
            () -> server.metrics.render().contains("webchat_sockets_open 7\n"));
        try (ChatClient again = server.connect(token, null)) {
          again.send(new JsonObject().put("type", "consent").put("accepted", true));
          assertThat(again.next("consent", "error").getString("type")).isEqualTo("consent");
          assertThat(again.message("c-1", "入れました").getString("type")).isEqualTo("ack");
        }
      } finally {
        open.forEach(ChatClient::close);
      }
    }

    @Test
    @DisplayName("closed while its token is being checked is not started, and nothing fails on the event loop")
    void closedDuringAuth() {
      String token = server.newSession();
      List<Throwable> unhandled = new CopyOnWriteArrayList<>();
      server.vertx.exceptionHandler(unhandled::add);
      // The session's row is held, so the token check waits while the socket closes.
      SqlConnection holder = Await.result(server.db.pool().getConnection());
      try {
        Transaction tx = Await.result(holder.begin());
        Await.result(holder.preparedQuery("SELECT 1 FROM webchat_session WHERE token_hash = $1 FOR UPDATE")
            .execute(Tuple.of(SecretTokens.hash(token))));
        ChatClient chat = server.connectWithoutToken(null);
        chat.send(new JsonObject().put("type", "auth").put("token", token));
        chat.startClosing();
        sleep(500);
        Await.result(tx.commit());
        chat.closedWith();
      } finally {
        holder.close();
      }
      sleep(500);
      assertThat(unhandled).isEmpty();
      assertThat(counter("webchat_sockets_opened_total")).isZero();
      try (ChatClient chat = authenticated(token)) {
        assertThat(counter("webchat_sockets_opened_total")).isEqualTo(1);
      }
    }
  }

  @Nested
  @DisplayName("staff replies")
  class Replies {

    private void staffReplyTo(long caseId) {
      long staff = one("""
          INSERT INTO staff (office_id, login, display_name, role, password_hash)
          VALUES ($1, 'tanaka', '田中', 'consultant', 'x') RETURNING id""", server.officeId).getLong(0);
      Await.result(server.replies.queue(caseId, staff, "お返事です"));
    }

    private Row delivered(long caseId) {
      Await.until(java.time.Duration.ofSeconds(10), "the reply settled", () -> !"queued".equals(
          one("SELECT delivery FROM message WHERE case_id = $1 AND direction = 'out'", caseId).getString(0)));
      return one("SELECT delivery, delivery_error FROM message WHERE case_id = $1 AND direction = 'out'", caseId);
    }

    private long caseOf(String token) {
      try (ChatClient chat = server.consentedChat(token)) {
        long id = chat.message("c-1", "相談です").getLong("id");
        return one("SELECT case_id FROM message WHERE id = $1", id).getLong(0);
      }
    }

    @Test
    @DisplayName("to a chat the resident ended fail for good, with the reason, and are not reported sent")
    void toEndedChat() {
      String token = server.newSession();
      long caseId = caseOf(token);
      assertThat(Await.result(server.http().delete(server.port(), "127.0.0.1", "/webchat/sessions/current")
          .putHeader("X-Chat-Token", token).send()).statusCode()).isEqualTo(204);

      staffReplyTo(caseId);

      Row reply = delivered(caseId);
      assertThat(reply.getString("delivery")).isEqualTo("failed");
      assertThat(reply.getString("delivery_error")).contains("終了").contains("ended");
    }

    @Test
    @DisplayName("to a chat unused past WEBCHAT_SESSION_IDLE_DAYS (the injected clock's) fail for good, with the reason")
    void toIdleChat() {
      long caseId = caseOf(server.newSession());
      server.clock.advance(java.time.Duration.ofDays(14).plusMinutes(1));

      staffReplyTo(caseId);

      Row reply = delivered(caseId);
      assertThat(reply.getString("delivery")).isEqualTo("failed");
      assertThat(reply.getString("delivery_error")).contains("使われていない").contains("unused");
    }

    @Test
    @DisplayName("to a live chat are sent, also after 13 idle days")
    void toLiveChat() {
      long caseId = caseOf(server.newSession());
      server.clock.advance(java.time.Duration.ofDays(13));

      staffReplyTo(caseId);

      assertThat(delivered(caseId).getString("delivery")).isEqualTo("sent");
    }
  }

  @Nested
  @DisplayName("image uploads")
  class Uploads {

    private static final byte[] PNG = Base64.getDecoder().decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private HttpResponse<Buffer> upload(String token, String clientId, byte[] body) {
      return Await.result(server.http().post(server.port(), "127.0.0.1", "/webchat/uploads")
          .putHeader("X-Chat-Token", token).putHeader("X-Client-Id", clientId)
          .putHeader("Content-Type", "image/png").sendBuffer(Buffer.buffer(body)));
    }

    @Test
    @DisplayName("refuse an upload whose X-Client-Id holds a control character, as a message's clientId is refused")
    void uploadClientIdChecked() {
      String token = server.newSession();
      server.consentedChat(token).close();
      HttpResponse<Buffer> refused = upload(token, "photo\t1", PNG);
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_client_id");
      assertThat(upload(token, "photo-1", PNG).statusCode()).isEqualTo(201);
    }

    @Test
    @DisplayName("cut off an upload whose body stalls, so it holds no memory for as long as its sender keeps the line")
    void stalledCutOff() {
      String token = server.newSession();
      server.consentedChat(token).close();
      long before = counter("webchat_uploads_cut_off_total");
      io.vertx.core.http.HttpClient http = server.vertx.createHttpClient();
      try {
        // A quarter of a 4 MB upload, then nothing more.
        Future<io.vertx.core.http.HttpClientResponse> answer = http.request(io.vertx.core.http.HttpMethod.POST,
                server.port(), "127.0.0.1", "/webchat/uploads")
            .compose(req -> {
              req.putHeader("X-Chat-Token", token).putHeader("X-Client-Id", "stalled")
                  .putHeader("Content-Type", "image/png").putHeader("Content-Length", String.valueOf(4_000_000));
              return req.write(Buffer.buffer(new byte[1_000_000])).compose(v -> req.response());
            });
        Await.until(WebchatServer.UPLOAD_TIMEOUT.plusSeconds(10), "cut off", answer::failed);
        assertThat(counter("webchat_uploads_cut_off_total") - before).isOne();
      } finally {
        http.close();
      }
    }

    @Test
    @DisplayName("store a PNG on the case, where staff see it")
    void pngStored() {
      String token = server.newSession();
      server.consentedChat(token).close();

      HttpResponse<Buffer> r = upload(token, "img-1", PNG);

      assertThat(r.statusCode()).isEqualTo(201);
      long messageId = r.bodyAsJsonObject().getLong("id");
      long caseId = one("SELECT case_id FROM message WHERE id = $1", messageId).getLong(0);
      CaseStore.OfficeCase found = Await.result(server.cases.find(caseId)).orElseThrow();
      var attachments = Await.result(server.cases.detail(found)).messages().get(0).attachments();
      assertThat(attachments).hasSize(1);
      assertThat(attachments.get(0).contentType()).isEqualTo("image/png");
      byte[] stored = Await.result(server.cases.attachment(caseId, attachments.get(0).id())).orElseThrow().data();
      assertThat(stored).isEqualTo(PNG);
      assertThat(upload(token, "img-1", PNG).bodyAsJsonObject().getLong("id")).isEqualTo(messageId);
    }

    @Test
    @DisplayName("refuse what is not a JPEG or PNG by its bytes, whatever the header says")
    void notAnImage() {
      String token = server.newSession();
      server.consentedChat(token).close();
      assertThat(upload(token, "x", "<?php evil();".getBytes()).statusCode()).isEqualTo(415);
      assertThat(one("SELECT count(*) FROM attachment").getLong(0)).isZero();
    }

    @Test
    @DisplayName("refuse images over 5 MB, uploads before consent, and unknown tokens")
    void refusals() {
      String token = server.newSession();
      assertThat(upload(token, "early", PNG).statusCode()).isEqualTo(403);
      assertThat(upload("nope", "x", PNG).statusCode()).isEqualTo(401);
      server.consentedChat(token).close();
      byte[] huge = new byte[5 * 1024 * 1024 + 1];
      System.arraycopy(PNG, 0, huge, 0, PNG.length);
      HttpResponse<Buffer> r = upload(token, "huge", huge);
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("too_large");
    }

    @Test
    @DisplayName("answer an unknown token or a chat without consent before a byte of the image is sent")
    void refusedUnread() {
      String early = server.newSession();
      for (String token : new String[] {"made-up-token", early}) {
        io.vertx.core.http.HttpClient http = server.vertx.createHttpClient();
        try {
          // Only the head of a 4 MB upload is sent: an answer can come only from the headers.
          io.vertx.core.http.HttpClientResponse answer = Await.result(http.request(io.vertx.core.http.HttpMethod.POST,
                  server.port(), "127.0.0.1", "/webchat/uploads")
              .compose(req -> {
                req.putHeader("X-Chat-Token", token).putHeader("X-Client-Id", "big")
                    .putHeader("Content-Type", "image/png").putHeader("Content-Length", String.valueOf(4_000_000));
                return req.sendHead().compose(v -> req.response());
              }).timeout(5, java.util.concurrent.TimeUnit.SECONDS));
          assertThat(answer.statusCode()).isEqualTo(token.equals(early) ? 403 : 401);
        } finally {
          http.close();
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
