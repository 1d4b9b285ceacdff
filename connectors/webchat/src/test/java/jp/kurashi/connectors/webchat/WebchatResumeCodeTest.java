package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("A web chat opened again with its resume code")
class WebchatResumeCodeTest {

  private WebchatServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<Buffer> newCode(String token) {
    var request = server.http().post(server.port(), "127.0.0.1", "/webchat/sessions/current/code");
    if (token != null) {
      request.putHeader("X-Chat-Token", token);
    }
    return Await.result(request.send());
  }

  private HttpResponse<Buffer> resume(String body) {
    return Await.result(server.http().post(server.port(), "127.0.0.1", "/webchat/sessions/resume")
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  private HttpResponse<Buffer> resumeWith(String code) {
    return resume(new JsonObject().put("code", code).encode());
  }

  private int socketStatus(String token) {
    return Await.result(server.http().get(server.port(), "127.0.0.1", "/webchat/socket?token=" + token).send())
        .statusCode();
  }

  /** The code as a resident might type it on a phone with a Japanese input method: full width, lower case, spaced. */
  private static String typedOnAPhone(String code) {
    StringBuilder typed = new StringBuilder();
    for (char c : code.toLowerCase().toCharArray()) {
      typed.append(c == '-' ? '　' : (char) (c - 0x20 + 0xFF00));
    }
    return typed.toString().replace('０', 'Ｏ');
  }

  @Test
  @DisplayName("gives a new token for the chat, however the code is typed; the old token opens nothing and its socket closes")
  void opensTheChatElsewhere(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
    String token = server.newSession();
    ChatClient first = server.consentedChat(token);
    long id = first.message("c-1", "家賃を滞納しています").getLong("id");
    HttpResponse<Buffer> issued = newCode(token);
    assertThat(issued.statusCode()).isEqualTo(201);
    assertThat(issued.getHeader("Cache-Control")).isEqualTo("no-store");
    String code = issued.bodyAsJsonObject().getString("code");
    assertThat(code).matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}");

    java.util.List<CaseEvent> published = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.events.subscribe(published::add);
    HttpResponse<Buffer> resumed = resumeWith(typedOnAPhone(code));

    assertThat(resumed.statusCode()).as(resumed.bodyAsString()).isEqualTo(201);
    String moved = resumed.bodyAsJsonObject().getString("token");
    assertThat(moved).isNotEqualTo(token);
    JsonObject told = first.next("error");
    assertThat(told.getString("code")).as("the socket of the old token").isEqualTo("unknown_token");
    assertThat(told.getString("reason")).isEqualTo("moved");
    assertThat(first.closedWith()).isEqualTo((short) 4401);
    assertThat(socketStatus(token)).isEqualTo(401);
    assertThat(newCode(token).statusCode()).isEqualTo(401);
    try (ChatClient elsewhere = server.connect(moved, 0L)) {
      assertThat(elsewhere.next("message").getLong("id")).as("the conversation, replayed on the new device").isEqualTo(id);
      elsewhere.send(new JsonObject().put("type", "consent").put("accepted", true)
          .put("version", server.profile.privacyNoticeVersion()));
      elsewhere.next("consent");
      assertThat(elsewhere.message("c-2", "続きです").getString("type")).isEqualTo("ack");
    }
    assertThat(Await.result(server.db.pool().query("SELECT count(DISTINCT contact_id) FROM message").execute())
        .iterator().next().getLong(0)).as("one chat, one contact").isEqualTo(1);
    assertThat(server.metrics.render()).contains("webchat_sessions_resumed_total 1");
    var note = Await.result(server.db.pool().query(
        "SELECT id, case_id, staff_id, body FROM message WHERE direction = 'note'").execute()).iterator().next();
    assertThat(note.getValue("staff_id")).as("written by nobody on the staff").isNull();
    assertThat(note.getString("body")).startsWith("【自動記録】相談者が「続きのコード」で").doesNotContain(code);
    Await.until(Duration.ofSeconds(10), "the consoles told of the note", () -> published.stream().anyMatch(e ->
        CaseEvent.NOTE_ADDED.equals(e.type()) && e.messageId() == note.getLong("id")
            && e.caseId() == note.getLong("case_id")));

    assertThat(resumeWith(code).statusCode()).as("a code opens the chat once").isEqualTo(404);
    String again = newCode(moved).bodyAsJsonObject().getString("code");
    assertThat(resumeWith(again).statusCode()).as("the device it opened on can show a new one").isEqualTo(201);
    assertThat(socketStatus(moved)).as("which moves the chat away from that device in turn").isEqualTo(401);
  }

  @Test
  @DisplayName("a new code replaces the last; a code of an ended or idle chat, or no code at all, opens nothing; no code before consent")
  void refused(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
    String token = server.newSession();
    assertThat(newCode(token).statusCode()).as("before the privacy notice is accepted").isEqualTo(403);
    server.consentedChat(token).close();
    String replaced = newCode(token).bodyAsJsonObject().getString("code");
    String current = newCode(token).bodyAsJsonObject().getString("code");

    assertThat(resumeWith(replaced).statusCode()).isEqualTo(404);
    assertThat(resumeWith(replaced).bodyAsJsonObject().getString("error")).isEqualTo("unknown_code");
    assertThat(resumeWith("0000-0000-0000-0000").statusCode()).isEqualTo(404);
    assertThat(resumeWith("not a code at all").statusCode()).isEqualTo(404);
    assertThat(resumeWith(current + "0").statusCode()).as("one character too many").isEqualTo(404);
    assertThat(resume("{}").statusCode()).isEqualTo(400);
    assertThat(resume("[1,").statusCode()).isEqualTo(400);
    assertThat(newCode(null).statusCode()).isEqualTo(401);
    assertThat(newCode("no-such-token").statusCode()).isEqualTo(401);

    server.clock.advance(Duration.ofDays(14).plusMinutes(1));
    assertThat(resumeWith(current).statusCode()).as("idle past the limit").isEqualTo(404);

    String other = server.newSession();
    server.consentedChat(other).close();
    String otherCode = newCode(other).bodyAsJsonObject().getString("code");
    Await.result(server.http().delete(server.port(), "127.0.0.1", "/webchat/sessions/current")
        .putHeader("X-Chat-Token", other).send());
    assertThat(resumeWith(otherCode).statusCode()).as("ended by the resident").isEqualTo(404);
    assertThat(Await.result(server.db.pool().query("SELECT count(*) FROM webchat_session WHERE resume_code_hash = '"
        + SecretTokens.hash(otherCode.replace("-", "")) + "'").execute()).iterator().next().getLong(0))
        .as("the code's hash is kept").isEqualTo(1);
    assertThat(Await.result(server.db.pool().query("SELECT count(*) FROM webchat_session WHERE resume_code_hash LIKE '%"
        + otherCode.substring(0, 4) + "%'").execute()).iterator().next().getLong(0)).as("never the code").isZero();
    assertThat(server.metrics.render()).contains("webchat_resume_refused_total 7");
  }

  @Test
  @DisplayName("moved on another instance: a socket here closes on the chat.moved event once its token is gone, not before")
  void movedElsewhere(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
    String token = server.newSession();
    ChatClient open = server.consentedChat(token);
    open.message("c-1", "相談です");
    long contact = Await.result(server.db.pool().query("SELECT id FROM contact").execute()).iterator().next().getLong(0);
    CaseEvents events = server.events;
    CaseEvent moved = new CaseEvent(CaseEvent.CHAT_MOVED, server.officeId, 0, contact, null,
        WebchatConnector.CHANNEL, server.clock.instant());

    events.publish(moved);
    assertThat(open.message("c-2", "まだ開いています").getString("type")).as("the token is still this socket's").isEqualTo("ack");

    Await.result(server.db.pool().query("UPDATE webchat_session SET token_hash = 'moved-elsewhere'").execute());
    events.publish(moved);
    assertThat(open.next("error").getString("code")).isEqualTo("unknown_token");
    assertThat(open.closedWith()).isEqualTo((short) 4401);
  }

  @Test
  @DisplayName("the note goes to the open case holding the chat's thread: the case it was merged into, none when closed")
  void noteWhereTheThreadIs(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
    String token = server.newSession();
    try (ChatClient chat = server.consentedChat(token)) {
      chat.message("c-1", "家賃のことで相談です");
    }
    String other = server.newSession();
    try (ChatClient chat = server.consentedChat(other)) {
      chat.message("c-1", "仕事を探しています");
    }
    long first = caseOf(token);
    long kept = caseOf(other);
    // A consultant merged the chat's case into the other one (the same resident, found writing twice).
    Await.result(server.db.pool().preparedQuery("UPDATE consultation_case SET merged_into = $1, status = 'closed' "
        + "WHERE id = $2").execute(io.vertx.sqlclient.Tuple.of(kept, first)));
    assertThat(resumeWith(newCode(token).bodyAsJsonObject().getString("code")).statusCode()).isEqualTo(201);
    assertThat(notesIn(kept)).isEqualTo(1);
    assertThat(notesIn(first)).isZero();

    Await.result(server.db.pool().preparedQuery("UPDATE consultation_case SET status = 'closed' WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(kept)));
    assertThat(resumeWith(newCode(other).bodyAsJsonObject().getString("code")).statusCode()).isEqualTo(201);
    assertThat(notesIn(kept)).as("a closed case gets no note").isEqualTo(1);
  }

  private long caseOf(String token) {
    return Await.result(server.db.pool().preparedQuery("""
        SELECT c.id FROM consultation_case c JOIN contact k ON k.id = c.contact_id
          JOIN webchat_session s ON s.contact_ref = k.external_id WHERE s.token_hash = $1""")
        .execute(io.vertx.sqlclient.Tuple.of(SecretTokens.hash(token)))).iterator().next().getLong(0);
  }

  private long notesIn(long caseId) {
    return Await.result(server.db.pool().preparedQuery(
        "SELECT count(*) FROM message WHERE case_id = $1 AND direction = 'note' AND staff_id IS NULL")
        .execute(io.vertx.sqlclient.Tuple.of(caseId))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("another office's chat: its token gets no code here, and its code opens nothing here")
  void otherOffice(Vertx vertx) {
    server = new WebchatServer(vertx, s -> List.of());
    long otherOffice = Await.result(new jp.kurashi.core.store.OfficeStore(server.db.pool()).ensure("suita", "吹田の窓口"));
    String token = "other-office-token";
    String code = "7K3M-Q9XA-2HWD-PZ4E";
    Await.result(server.db.pool().preparedQuery("""
        INSERT INTO webchat_session (office_id, token_hash, contact_ref, language, created_at, last_seen_at, resume_code_hash)
        VALUES ($1, $2, 'wc-other', 'ja', now(), now(), $3)""")
        .execute(io.vertx.sqlclient.Tuple.of(otherOffice, SecretTokens.hash(token), SecretTokens.hash("7K3MQ9XA2HWDPZ4E"))));

    assertThat(newCode(token).statusCode()).isEqualTo(401);
    assertThat(resumeWith(code).statusCode()).isEqualTo(404);
    assertThat(Await.result(server.db.pool().query("SELECT count(*) FROM webchat_session WHERE token_hash = '"
        + SecretTokens.hash(token) + "' AND resume_code_hash IS NOT NULL").execute()).iterator().next().getLong(0))
        .as("the other office's chat untouched").isEqualTo(1);
  }

  /** A server whose address quotas for new chats and for messages are these (uploads: plenty). */
  private static WebchatServer withQuotas(Vertx vertx, Quota sessions, Quota messages) {
    return new WebchatServer(vertx, s -> List.of(), clock -> {
      RateLimits limits = RateLimits.inProcess(clock);
      return new WebchatQuotas(ClientAddress.direct(), limits.limiter("sessions", sessions),
          limits.limiter("messages", messages), limits.limiter("uploads", Quota.perHour(100)));
    });
  }

  @Test
  @DisplayName("asking for codes counts against the address's messages quota")
  void codeQuota(Vertx vertx) {
    server = withQuotas(vertx, Quota.perHour(100), Quota.perMinute(2));
    String token = server.newSession();
    server.consentedChat(token).close();
    assertThat(newCode(token).statusCode()).isEqualTo(201);
    assertThat(newCode(token).statusCode()).isEqualTo(201);

    HttpResponse<Buffer> refused = newCode(token);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
    assertThat(refused.getHeader("Retry-After")).isNotNull();
  }

  @Test
  @DisplayName("counts every try, right or wrong, against the address's new-chat quota")
  void quota(Vertx vertx) {
    server = withQuotas(vertx, Quota.perHour(3), Quota.perMinute(100));
    String token = server.newSession();
    server.consentedChat(token).close();
    String code = newCode(token).bodyAsJsonObject().getString("code");
    assertThat(resumeWith("ZZZZ-ZZZZ-ZZZZ-ZZZZ").statusCode()).isEqualTo(404);
    assertThat(resumeWith(code).statusCode()).isEqualTo(201);

    HttpResponse<Buffer> refused = resumeWith(code);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("too_many_sessions");
    assertThat(refused.getHeader("Retry-After")).isNotNull();
  }
}
