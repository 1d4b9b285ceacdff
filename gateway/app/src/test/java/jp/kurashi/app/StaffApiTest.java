package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The staff API")
class StaffApiTest {

  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    // The desk is open: these tests count the messages of a case, and at night each new case also
    // gets the out-of-hours notice (tested on its own in OutOfHoursNoticeTest and ClockMomentsTest).
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private IngestResult residentWrites(String externalId, String text) {
    return Await.result(running.gateway.pipeline().receive(
        new InboundMessage("webchat", externalId, "chat-session-1", null, text, running.clock.instant())));
  }

  private long consultant(String login, String password) {
    long office = Await.result(db.pool().query("SELECT id FROM office WHERE code = 'default'").execute())
        .iterator().next().getLong("id");
    return Await.result(new StaffStore(db.pool(), running.clock).create(office, login, "相談員 " + login, Role.CONSULTANT,
        // as if they had already chosen their own password at a first login
        RunningGateway.LIGHT_HASHER.hash(password), false));
  }

  private long auditRows(long caseId, String action, boolean allowed) {
    Row row = Await.result(db.pool().preparedQuery(
            "SELECT count(*) FROM audit_log WHERE case_id = $1 AND action = $2 AND allowed = $3")
        .execute(Tuple.of(caseId, action, allowed))).iterator().next();
    return row.getLong(0);
  }

  @Nested
  @DisplayName("logging in")
  class LoggingIn {

    @Test
    @DisplayName("sets an HttpOnly SameSite=Strict session cookie and returns a CSRF token")
    void login() {
      HttpResponse<Buffer> r = running.client().login("admin", RunningGateway.ADMIN_PASSWORD);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getString("csrfToken")).hasSizeGreaterThan(30);
      assertThat(r.bodyAsJsonObject().getJsonObject("staff").getString("role")).isEqualTo("admin");
      String cookie = r.cookies().get(0);
      assertThat(cookie).startsWith("kg_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
      assertThat(cookie).doesNotContainIgnoringCase("Secure");
    }

    @Test
    @DisplayName("marks the cookie Secure when the load balancer says the request came over TLS")
    void secureBehindTls() {
      HttpResponse<Buffer> r = Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
          .post(running.gateway.httpPort(), "127.0.0.1", "/api/login").putHeader("X-Forwarded-Proto", "https")
          .sendJsonObject(new JsonObject().put("login", "admin").put("password", RunningGateway.ADMIN_PASSWORD)));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.cookies().get(0)).containsIgnoringCase("Secure").containsIgnoringCase("HttpOnly");
    }

    @Test
    @DisplayName("answers 401 to a wrong password and to an unknown login alike")
    void wrongPassword() {
      HttpResponse<Buffer> wrong = running.client().login("admin", "not-the-password");
      HttpResponse<Buffer> unknown = running.client().login("nobody", "whatever-password");

      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(unknown.statusCode()).isEqualTo(401);
      assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
      assertThat(wrong.cookies()).isEmpty();
    }

    @Test
    @DisplayName("answers 400 to a body that is not JSON")
    void garbage() {
      HttpResponse<Buffer> r = Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
          .post(running.gateway.httpPort(), "127.0.0.1", "/api/login")
          .putHeader("Content-Type", "application/json")
          .sendBuffer(Buffer.buffer("{not json")));
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_json");
    }
  }

  @Nested
  @DisplayName("without a session or CSRF token")
  class Refusals {

    @Test
    @DisplayName("answers 401 to every case route without a session")
    void noSession() {
      long caseId = residentWrites("m-1", "相談です").caseId();
      RunningGateway.StaffClient anonymous = running.client();

      assertThat(anonymous.get("/api/cases?status=open").statusCode()).isEqualTo(401);
      assertThat(anonymous.get("/api/cases/" + caseId).statusCode()).isEqualTo(401);
      assertThat(anonymous.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", "x"), false)
          .statusCode()).isEqualTo(401);
    }

    @Test
    @DisplayName("answers 403 to a reply without the CSRF header, and stores nothing")
    void noCsrf() {
      long caseId = residentWrites("m-1", "相談です").caseId();
      RunningGateway.StaffClient admin = running.client();
      admin.login("admin", RunningGateway.ADMIN_PASSWORD);

      HttpResponse<Buffer> r = admin.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", "返信"), false);

      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("csrf_token_invalid");
      Row row = Await.result(db.pool().query("SELECT count(*) FROM message WHERE direction = 'out'").execute())
          .iterator().next();
      assertThat(row.getLong(0)).isZero();
    }

    @Test
    @DisplayName("answers 401 after logout")
    void afterLogout() {
      RunningGateway.StaffClient admin = running.client();
      admin.login("admin", RunningGateway.ADMIN_PASSWORD);
      assertThat(admin.post("/api/logout", new JsonObject(), true).statusCode()).isEqualTo(204);
      assertThat(admin.get("/api/cases").statusCode()).isEqualTo(401);
    }
  }

  @Nested
  @DisplayName("with a session")
  class WithSession {

    @Test
    @DisplayName("lists open cases without message text")
    void queue() {
      IngestResult in = residentWrites("m-1", "家賃を3か月滞納しています");
      RunningGateway.StaffClient admin = running.client();
      admin.login("admin", RunningGateway.ADMIN_PASSWORD);

      HttpResponse<Buffer> r = admin.get("/api/cases?status=open");

      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject item = r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0);
      assertThat(item.getLong("id")).isEqualTo(in.caseId());
      assertThat(item.getString("channel")).isEqualTo("webchat");
      assertThat(item.getString("urgency")).isEqualTo("normal");
      assertThat(item.getJsonArray("categories")).isNotNull();
      assertThat(item.getString("lastMessageAt")).isNotNull();
      assertThat(r.bodyAsString()).doesNotContain("家賃");
      assertThat(admin.get("/api/cases?status=whatever").statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("shows a case's thread and records the read in the audit log")
    void readCase() {
      IngestResult in = residentWrites("m-1", "家賃を3か月滞納しています");
      RunningGateway.StaffClient admin = running.chief();

      HttpResponse<Buffer> r = admin.get("/api/cases/" + in.caseId());

      assertThat(r.statusCode()).isEqualTo(200);
      JsonObject message = r.bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
      assertThat(message.getString("text")).isEqualTo("家賃を3か月滞納しています");
      assertThat(message.getString("direction")).isEqualTo("in");
      assertThat(message.getString("delivery")).isEqualTo("received");
      assertThat(auditRows(in.caseId(), "case.read", true)).isEqualTo(1);
      assertThat(admin.get("/api/cases/999999").statusCode()).isEqualTo(404);
      assertThat(admin.get("/api/cases/abc").statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("queues a reply on the case's channel: 202, stored with its outbox row, then delivered")
    void reply() {
      long office = Await.result(db.pool().query("SELECT id FROM office WHERE code = 'default'").execute())
          .iterator().next().getLong("id");
      Await.result(new WebchatStore(db.pool()).create(office, "hash-of-a-token", "chat-session-1", "ja", running.clock.instant()));
      IngestResult in = residentWrites("m-1", "相談できますか");
      RunningGateway.StaffClient admin = running.chief();

      HttpResponse<Buffer> r = admin.post("/api/cases/" + in.caseId() + "/replies",
          new JsonObject().put("text", "はい、お話をお聞かせください。"), true);

      assertThat(r.statusCode()).isEqualTo(202);
      long messageId = r.bodyAsJsonObject().getLong("messageId");
      Row row = Await.result(db.pool().preparedQuery("""
              SELECT m.channel, m.delivery, m.body, o.status FROM message m JOIN outbox o ON o.message_id = m.id
              WHERE m.id = $1""").execute(Tuple.of(messageId))).iterator().next();
      assertThat(row.getString("channel")).isEqualTo("webchat");
      assertThat(row.getString("body")).isEqualTo("はい、お話をお聞かせください。");
      Await.until(java.time.Duration.ofSeconds(10), "delivered", () -> "sent".equals(admin.get("/api/cases/" + in.caseId())
          .bodyAsJsonObject().getJsonArray("messages").getJsonObject(1).getString("delivery")));
      JsonObject thread = admin.get("/api/cases/" + in.caseId()).bodyAsJsonObject();
      assertThat(thread.getJsonArray("messages").getJsonObject(1).getString("direction")).isEqualTo("out");
      assertThat(admin.post("/api/cases/" + in.caseId() + "/replies", new JsonObject().put("text", " "), true)
          .statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("a draft sent again after its answer was lost is queued once; the same draft with other words is refused")
    void draftSentAgain() {
      long office = Await.result(db.pool().query("SELECT id FROM office WHERE code = 'default'").execute())
          .iterator().next().getLong("id");
      Await.result(new WebchatStore(db.pool()).create(office, "hash-of-a-token", "chat-session-1", "ja", running.clock.instant()));
      IngestResult in = residentWrites("m-1", "相談できますか");
      IngestResult other = residentWrites("m-2", "別の相談です");
      RunningGateway.StaffClient chief = running.chief();
      String draft = "0b6f5d52-3c1e-4c8e-9a57-2f0d1f6b8e41";
      JsonObject body = new JsonObject().put("text", "明日お電話します").put("draftId", draft);

      HttpResponse<Buffer> first = chief.post("/api/cases/" + in.caseId() + "/replies", body, true);
      HttpResponse<Buffer> again = chief.post("/api/cases/" + in.caseId() + "/replies", body, true);

      assertThat(first.statusCode()).isEqualTo(202);
      assertThat(first.bodyAsJsonObject().getBoolean("alreadyQueued")).isFalse();
      assertThat(again.statusCode()).isEqualTo(202);
      assertThat(again.bodyAsJsonObject().getBoolean("alreadyQueued")).isTrue();
      assertThat(again.bodyAsJsonObject().getLong("messageId")).isEqualTo(first.bodyAsJsonObject().getLong("messageId"));
      assertThat(staffReplies(in.caseId())).isOne();
      assertThat(Await.result(db.pool().preparedQuery("SELECT count(*) FROM outbox o JOIN message m ON m.id = o.message_id "
          + "WHERE m.case_id = $1 AND m.staff_id IS NOT NULL").execute(Tuple.of(in.caseId()))).iterator().next().getLong(0))
          .isOne();

      HttpResponse<Buffer> edited = chief.post("/api/cases/" + in.caseId() + "/replies",
          new JsonObject().put("text", "明後日お電話します").put("draftId", draft), true);
      assertThat(edited.statusCode()).isEqualTo(409);
      assertThat(edited.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
      assertThat(staffReplies(in.caseId())).isOne();

      // A draft id is the console's, per case: another case's reply with the same id is its own.
      assertThat(chief.post("/api/cases/" + other.caseId() + "/replies", body, true).statusCode()).isEqualTo(202);
      assertThat(staffReplies(other.caseId())).isOne();
      // Without one (a script), every request is a reply.
      assertThat(chief.post("/api/cases/" + in.caseId() + "/replies", new JsonObject().put("text", "明日お電話します"), true)
          .statusCode()).isEqualTo(202);
      assertThat(staffReplies(in.caseId())).isEqualTo(2);
      for (Object bad : new Object[] {"1-1-1-1-1", "not a uuid", 42}) {
        HttpResponse<Buffer> refused = chief.post("/api/cases/" + in.caseId() + "/replies",
            new JsonObject().put("text", "x").put("draftId", bad), true);
        assertThat(refused.statusCode()).as("draftId %s", bad).isEqualTo(400);
      }
      assertThat(staffReplies(in.caseId())).isEqualTo(2);
    }

    @Test
    @DisplayName("a handoff's draft sent again is recorded once and answers with the handoff recorded the first time")
    void handoffDraftSentAgain() {
      IngestResult in = residentWrites("m-1", "相談できますか");
      RunningGateway.StaffClient chief = running.chief();
      JsonObject body = new JsonObject().put("kind", "outreach").put("message", "来週伺います")
          .put("draftId", "4d7f0a21-8c3e-4f5b-a1d2-9e8f7a6b5c4d");

      HttpResponse<Buffer> first = chief.post("/api/cases/" + in.caseId() + "/handoffs", body, true);
      HttpResponse<Buffer> again = chief.post("/api/cases/" + in.caseId() + "/handoffs", body, true);

      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(first.bodyAsJsonObject().getBoolean("alreadyRecorded")).isFalse();
      assertThat(again.statusCode()).isEqualTo(201);
      assertThat(again.bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
      assertThat(again.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
      assertThat(chief.get("/api/cases/" + in.caseId() + "/handoffs").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
      assertThat(staffReplies(in.caseId())).isOne();
      assertThat(chief.post("/api/cases/" + in.caseId() + "/handoffs", body.copy().put("draftId", "x"), true).statusCode())
          .isEqualTo(400);
      HttpResponse<Buffer> corrected = chief.post("/api/cases/" + in.caseId() + "/handoffs",
          body.copy().put("message", "再来週伺います"), true);
      assertThat(corrected.statusCode()).isEqualTo(409);
      assertThat(corrected.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
    }

    @Test
    @DisplayName("a reply to a case merged into another is refused and names the case kept, where its thread is; one sent before the merge is known there")
    void replyToMergedCase() {
      IngestResult kept = residentWrites("m-1", "家賃の相談です");
      IngestResult duplicate = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m-2",
          "chat-session-2", null, "同じ者です。先ほどの続きです", running.clock.instant())));
      RunningGateway.StaffClient chief = running.chief();
      JsonObject beforeMerge = new JsonObject().put("text", "お電話します").put("draftId", "2c4e6a8b-1d3f-4a5b-8c7d-9e0f1a2b3c4d");
      assertThat(chief.post("/api/cases/" + duplicate.caseId() + "/replies", beforeMerge, true).statusCode()).isEqualTo(202);
      assertThat(chief.post("/api/cases/" + duplicate.caseId() + "/merge", new JsonObject().put("into", kept.caseId()),
          true).statusCode()).isEqualTo(200);
      // Sent before the merge, its answer lost: sent again, it is known as queued where the thread went, and not sent twice.
      HttpResponse<Buffer> resent = chief.post("/api/cases/" + duplicate.caseId() + "/replies", beforeMerge, true);
      assertThat(resent.statusCode()).as(resent.bodyAsString()).isEqualTo(202);
      assertThat(resent.bodyAsJsonObject().getBoolean("alreadyQueued")).isTrue();
      assertThat(staffReplies(kept.caseId())).isOne();

      HttpResponse<Buffer> refused = chief.post("/api/cases/" + duplicate.caseId() + "/replies",
          new JsonObject().put("text", "お返事です"), true);

      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
      assertThat(refused.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept.caseId());
      assertThat(staffReplies(duplicate.caseId())).isZero();
      assertThat(chief.post("/api/cases/" + kept.caseId() + "/replies", new JsonObject().put("text", "お返事です"), true)
          .statusCode()).isEqualTo(202);
      assertThat(staffReplies(kept.caseId())).isEqualTo(2);
    }

    private long staffReplies(long caseId) {
      return Await.result(db.pool().preparedQuery("SELECT count(*) FROM message WHERE case_id = $1 AND staff_id IS NOT NULL "
          + "AND direction = 'out'").execute(Tuple.of(caseId))).iterator().next().getLong(0);
    }

    @Test
    @DisplayName("links a resident's LINE and web chat cases so each shows the whole thread across channels")
    void linkAcrossChannels() {
      IngestResult chat = residentWrites("m-1", "チャットから相談します");
      IngestResult line = Await.result(running.gateway.pipeline().receive(
          new InboundMessage("line", "ev-1", "U-same-person", null, "LINEからも送ります", running.clock.instant())));
      RunningGateway.StaffClient chief = running.chief();

      assertThat(chief.post("/api/cases/" + chat.caseId() + "/link", new JsonObject().put("caseId", line.caseId()), true)
          .statusCode()).isEqualTo(200);

      JsonObject thread = chief.get("/api/cases/" + chat.caseId()).bodyAsJsonObject();
      assertThat(thread.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("channel")))
          .contains("webchat", "line");
      // Both residents' messages, and the consent request the LINE resident got (they had not agreed yet).
      assertThat(chief.get("/api/cases/" + line.caseId()).bodyAsJsonObject().getJsonArray("messages")).hasSize(3);
    }

    @Test
    @DisplayName("checks every request against openapi.yaml: undocumented calls 404, malformed ones 400")
    void contract() {
      IngestResult in = residentWrites("m-1", "相談です");
      RunningGateway.StaffClient chief = running.chief();
      var wrongKind = chief.post("/api/cases/" + in.caseId() + "/handoffs",
          new JsonObject().put("kind", "teleport").put("message", "x"), true);
      assertThat(wrongKind.statusCode()).isEqualTo(400);
      assertThat(wrongKind.bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
      assertThat(chief.get("/api/cases/abc").bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
      assertThat(chief.get("/api/no-such-thing").statusCode()).isEqualTo(404);
      // The document's lists, as the console reads them for its menus.
      assertThat(chief.get("/api/meta").bodyAsJsonObject().getJsonObject("enums").getJsonArray("Urgency").getList())
          .containsExactly("crisis", "urgent", "normal");
      // Lists that name channels take the installed plug-ins' codes, and the console gets their names from them.
      JsonObject meta = chief.get("/api/meta").bodyAsJsonObject();
      assertThat(meta.getJsonObject("enums").getJsonArray("ComplaintChannel").getList())
          .containsExactly("phone", "walk_in", "webchat", "line", "mail", "letter", "other");
      assertThat(meta.getJsonArray("channels").stream().map(c -> ((JsonObject) c).getString("code") + "="
          + ((JsonObject) c).getString("label") + "/" + ((JsonObject) c).getString("labelEn")))
          .containsExactly("webchat=Webチャット/Web chat", "line=LINE/LINE", "mail=メール/Email");
      assertThat(chief.post("/api/cases/" + in.caseId() + "/assign", new JsonObject().put("staffId", "someone"), true)
          .statusCode()).isEqualTo(400);
    }

    @Test
    @DisplayName("shows a reply the channel refused as failed, with the reason")
    void failedReplyVisible() {
      IngestResult in = residentWrites("m-1", "相談できますか");
      RunningGateway.StaffClient admin = running.chief();

      admin.post("/api/cases/" + in.caseId() + "/replies", new JsonObject().put("text", "届きますか"), true);

      Await.until(java.time.Duration.ofSeconds(10), "failed", () -> "failed".equals(admin.get("/api/cases/" + in.caseId())
          .bodyAsJsonObject().getJsonArray("messages").getJsonObject(1).getString("delivery")));
      JsonObject reply = admin.get("/api/cases/" + in.caseId()).bodyAsJsonObject().getJsonArray("messages").getJsonObject(1);
      assertThat(reply.getString("deliveryError")).contains("chat session no longer exists");
    }

    @Test
    @DisplayName("a reply held as possibly delivered is sent again only once staff confirm it did not arrive, under a new key")
    void resendConfirmed() {
      IngestResult in = residentWrites("m-1", "相談できますか");
      RunningGateway.StaffClient admin = running.chief();
      admin.post("/api/cases/" + in.caseId() + "/replies", new JsonObject().put("text", "届きますか"), true);
      Await.until(java.time.Duration.ofSeconds(10), "failed", () -> "failed".equals(admin.get("/api/cases/" + in.caseId())
          .bodyAsJsonObject().getJsonArray("messages").getJsonObject(1).getString("delivery")));
      long reply = admin.get("/api/cases/" + in.caseId()).bodyAsJsonObject().getJsonArray("messages").getJsonObject(1)
          .getLong("id");
      // As the outbox holds a reply past its channel's retry key (OutboxWorkerTest.retryKeyExpired).
      Row held = Await.result(db.pool().preparedQuery("UPDATE outbox SET awaits_confirmation = true, "
          + "may_have_arrived = true WHERE message_id = $1 RETURNING idempotency_key").execute(Tuple.of(reply)))
          .iterator().next();
      String path = "/api/cases/" + in.caseId() + "/messages/" + reply + "/retry";

      var refused = admin.post(path, null, true);
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("confirm_resend");
      assertThat(refused.bodyAsJsonObject().getString("message")).startsWith("この返信は前の送信で相談者に届いている可能性");
      long asked = refused.bodyAsJsonObject().getLong("hold");
      assertThat(admin.post(path, new JsonObject().put("confirmed", false).put("hold", asked), true).statusCode())
          .isEqualTo(409);
      assertThat(admin.post(path, new JsonObject().put("confirmed", true), true).statusCode())
          .as("a confirmation that names no hold confirms nothing").isEqualTo(409);

      // While the dialog stood open, another consultant's resend failed again: the first answer no longer fits.
      Await.result(db.pool().preparedQuery("UPDATE outbox SET updated_at = updated_at + interval '2 seconds' "
          + "WHERE message_id = $1").execute(Tuple.of(reply)));
      var askedAgain = admin.post(path, new JsonObject().put("confirmed", true).put("hold", asked), true);
      assertThat(askedAgain.statusCode()).as("confirmed an earlier hold: asked again").isEqualTo(409);
      assertThat(askedAgain.bodyAsJsonObject().getString("error")).isEqualTo("confirm_resend");
      long hold = askedAgain.bodyAsJsonObject().getLong("hold");
      assertThat(hold).isNotEqualTo(asked);
      assertThat(Await.result(db.pool().preparedQuery("SELECT awaits_confirmation FROM outbox WHERE message_id = $1")
          .execute(Tuple.of(reply))).iterator().next().getBoolean(0)).isTrue();

      assertThat(admin.post(path, new JsonObject().put("confirmed", true).put("hold", hold), true).statusCode())
          .isEqualTo(202);
      Row again = Await.result(db.pool().preparedQuery("SELECT idempotency_key, awaits_confirmation FROM outbox "
          + "WHERE message_id = $1").execute(Tuple.of(reply))).iterator().next();
      assertThat(again.getUUID("idempotency_key")).isNotEqualTo(held.getUUID("idempotency_key"));
      assertThat(again.getBoolean("awaits_confirmation")).isFalse();
      assertThat(Await.result(db.pool().preparedQuery("SELECT detail->>'outcome' FROM audit_log WHERE case_id = $1 "
          + "AND action = 'message.retry.confirmed' AND allowed ORDER BY id").execute(Tuple.of(in.caseId()))))
          .extracting(r -> r.getString(0)).as("the consultant's word, audited with what it did")
          .containsExactly("awaits_confirmation", "queued");
    }

    @Test
    @DisplayName("refuses a consultant a case not assigned to them with 403, and audits the attempt")
    void consultantRefused() {
      IngestResult in = residentWrites("m-1", "借金の相談です");
      consultant("sato", "sato-password-1");
      RunningGateway.StaffClient sato = running.client();
      assertThat(sato.login("sato", "sato-password-1").statusCode()).isEqualTo(200);

      assertThat(sato.get("/api/cases?status=open").statusCode()).isEqualTo(200);
      HttpResponse<Buffer> read = sato.get("/api/cases/" + in.caseId());
      HttpResponse<Buffer> reply = sato.post("/api/cases/" + in.caseId() + "/replies",
          new JsonObject().put("text", "返信"), true);

      assertThat(read.statusCode()).isEqualTo(403);
      assertThat(read.bodyAsString()).doesNotContain("借金");
      assertThat(reply.statusCode()).isEqualTo(403);
      assertThat(auditRows(in.caseId(), "case.read", false)).isEqualTo(1);
      assertThat(auditRows(in.caseId(), "case.reply", false)).isEqualTo(1);
    }

    @Test
    @DisplayName("lets a consultant read the case assigned to them")
    void consultantAssigned() {
      IngestResult in = residentWrites("m-1", "仕事を探しています");
      long sato = consultant("sato", "sato-password-1");
      Await.result(db.pool().preparedQuery("UPDATE consultation_case SET assignee_id = $1 WHERE id = $2")
          .execute(Tuple.of(sato, in.caseId())));
      RunningGateway.StaffClient client = running.client();
      client.login("sato", "sato-password-1");

      assertThat(client.get("/api/cases/" + in.caseId()).statusCode()).isEqualTo(200);
      assertThat(auditRows(in.caseId(), "case.read", true)).isEqualTo(1);
    }
  }
}
