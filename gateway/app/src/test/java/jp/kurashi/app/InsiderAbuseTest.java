package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a colleague, the operator or someone at an open console could do beyond their right, found by an adversarial
 * review (2026-11-27): each call here was allowed before its fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Insiders stay within their right")
class InsiderAbuseTest {

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient chief;
  private RunningGateway.StaffClient sato;
  private RunningGateway.StaffClient operator;
  private long satoId;
  private long operatorId;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "LOGIN_MAX_PER_MINUTE", "1000"),
        RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    chief = running.chief();
    sato = running.staff("sato", Role.CONSULTANT);
    operator = running.staff("honbu", Role.OPERATOR);
    satoId = one("SELECT id FROM staff WHERE login = 'sato'");
    operatorId = one("SELECT id FROM staff WHERE login = 'honbu'");
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  private long write(String externalId, String text) {
    return Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", externalId,
        "contact-" + externalId, null, text, running.clock.instant()))).caseId();
  }

  private long one(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  private long refusals() {
    return one("SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = 'operator.refused'", operatorId);
  }

  @Test
  @DisplayName("the operator's gate holds for a path written another way: percent-encoded, with a trailing slash")
  void operatorPathSpellings() {
    write("op-1", "家賃が払えません");
    for (String path : new String[] {"/api/cases", "/api/ca%73es", "/api/cases/", "/api/ca%73es?status=closed",
        "/api/agencie%73", "/api/template%73", "/api/channel%73"}) {
      long before = refusals();
      HttpResponse<Buffer> r = operator.get(path);
      assertThat(r.statusCode()).as(path + ": " + r.bodyAsString()).isEqualTo(403);
      assertThat(refusals()).as(path + " audited").isEqualTo(before + 1);
    }
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    try {
      HttpClientResponse events = Await.result(http.request(HttpMethod.GET, running.gateway.httpPort(), "127.0.0.1",
          "/api/events/").compose(req -> req.putHeader("Cookie", operator.cookie).send()));
      assertThat(events.statusCode()).as("the live event stream").isEqualTo(403);
    } finally {
      Await.result(http.close());
    }
  }

  @Test
  @DisplayName("the login limit holds for /api/login/ posted with a session")
  void loginLimitWithTrailingSlash() {
    try (RunningGateway limited = RunningGateway.start(vertx, Map.of(
        "DATABASE_URL", TestDatabases.migrated(), "LOGIN_MAX_PER_MINUTE", "3"))) {
      RunningGateway.StaffClient insider = limited.client();
      assertThat(insider.login("admin", RunningGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
      int limited429 = 0;
      for (int i = 0; i < 6; i++) {
        HttpResponse<Buffer> r = insider.post("/api/login/", new JsonObject().put("login", "someone")
            .put("password", "guess-number-" + i), true);
        limited429 += r.statusCode() == 429 ? 1 : 0;
      }
      assertThat(limited429).as("guesses over the limit of 3 a minute").isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  @DisplayName("a wrong current password counts as a failed login: five lock the account, the next attempt ends the session")
  void passwordGuessing() {
    RunningGateway.StaffClient victim = running.staff("ito", Role.CHIEF);
    long itoId = one("SELECT id FROM staff WHERE login = 'ito'");
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> r = victim.post("/api/password", new JsonObject().put("current", "guess-number-" + i)
          .put("new", "another-strong-pass-" + i), true);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("wrong_password");
    }
    assertThat(one("SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = 'password.change' AND NOT allowed",
        itoId)).as("each wrong guess audited").isEqualTo(5);
    HttpResponse<Buffer> right = victim.post("/api/password", new JsonObject().put("current", "ito-password-1")
        .put("new", "another-strong-pass-x"), true);
    assertThat(right.statusCode()).as("locked: even the right password is refused").isEqualTo(403);
    assertThat(right.bodyAsJsonObject().getString("error")).isEqualTo("account_locked");
    assertThat(victim.get("/api/session").statusCode()).as("the guessing session has ended").isEqualTo(401);
    assertThat(running.client().login("ito", "ito-password-1").statusCode()).as("locked for logins too").isEqualTo(401);
  }

  @Test
  @DisplayName("an open console cannot put another authenticator in place of the owner's")
  void secondFactorNotReplaced() throws Exception {
    RunningGateway.StaffClient owner = running.staff("suzuki", Role.CONSULTANT);
    String secret = owner.post("/api/totp/setup", new JsonObject(), true).bodyAsJsonObject().getString("secret");
    long step = running.clock.instant().getEpochSecond() / 30;
    assertThat(owner.post("/api/totp/enable", new JsonObject().put("code", AccountsTest.code(secret, step)), true)
        .statusCode()).isEqualTo(204);

    HttpResponse<Buffer> again = owner.post("/api/totp/setup", new JsonObject(), true);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("error")).isEqualTo("totp_already_on");
    assertThat(again.bodyAsString()).doesNotContain("secret");
    assertThat(owner.post("/api/totp/enable", new JsonObject().put("code", AccountsTest.code(secret, step)), true)
        .statusCode()).as("nothing pending, and the code is used").isIn(400, 409);
  }

  @Test
  @DisplayName("a merge is audited on both cases, and a follow of the kept case needs a read after it")
  void mergeAuditedAndReadAgain() {
    long kept = write("merge-kept", "家賃が払えません");
    long duplicate = write("merge-dup", "夫から暴力を受けていて逃げたいです");
    assertThat(chief.post("/api/cases/" + kept + "/assign", new JsonObject().put("staffId", satoId), true).statusCode())
        .isEqualTo(200);
    assertThat(sato.get("/api/cases/" + kept).statusCode()).isEqualTo(200);
    assertThat(sato.get("/api/cases/" + kept + "/messages?after=0").statusCode()).isEqualTo(200);

    assertThat(chief.post("/api/cases/" + duplicate + "/merge", new JsonObject().put("into", kept), true).statusCode())
        .isEqualTo(200);

    assertThat(one("SELECT count(*) FROM audit_log WHERE action = 'case.merge' AND allowed AND case_id = $1", duplicate))
        .isEqualTo(1);
    assertThat(one("SELECT count(*) FROM audit_log WHERE action = 'case.merge' AND allowed AND case_id = $1", kept))
        .isEqualTo(1);
    HttpResponse<Buffer> follow = sato.get("/api/cases/" + kept + "/messages?after=0");
    assertThat(follow.statusCode()).as("the moved messages only after a recorded read").isEqualTo(409);
    assertThat(follow.bodyAsString()).doesNotContain("暴力");
    assertThat(sato.get("/api/cases/" + kept).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> after = sato.get("/api/cases/" + kept + "/messages?after=0");
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(after.bodyAsString()).contains("暴力");
  }

  @Test
  @DisplayName("a consultant made operator loses their open cases to the queue and their sessions")
  void roleChange() {
    RunningGateway.StaffClient kato = running.staff("kato", Role.CONSULTANT);
    long katoId = one("SELECT id FROM staff WHERE login = 'kato'");
    long caseId = write("role-1", "仕事がなくなりました");
    assertThat(chief.post("/api/cases/" + caseId + "/assign", new JsonObject().put("staffId", katoId), true)
        .statusCode()).isEqualTo(200);
    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);

    assertThat(admin.post("/api/staff/" + katoId + "/role", new JsonObject().put("role", "operator"), true)
        .statusCode()).isEqualTo(200);

    assertThat(one("SELECT count(*) FROM consultation_case WHERE id = $1 AND assignee_id IS NULL", caseId))
        .as("back in the queue").isEqualTo(1);
    assertThat(kato.get("/api/session").statusCode()).as("the old role's session has ended").isEqualTo(401);
  }

  @Test
  @DisplayName("a consultant's model upload is refused without its body being read")
  void modelUploadOnlyForTheChief() {
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    HttpClientResponse r;
    try {
      // Only the head of a 10 MB upload is sent: an answer can come only from the session, before the body.
      r = Await.result(http.request(HttpMethod.PUT, running.gateway.httpPort(), "127.0.0.1", "/api/triage/model")
          .compose(req -> {
            req.putHeader("Cookie", sato.cookie).putHeader("X-CSRF-Token", sato.csrf)
                .putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Length", String.valueOf(10 * 1024 * 1024));
            return req.sendHead().compose(v -> req.response());
          }).timeout(5, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      http.close();
    }
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(one("SELECT count(*) FROM audit_log WHERE staff_id = $1 AND action = 'triage.model.write' AND NOT allowed",
        satoId)).isEqualTo(1);
  }
}
