package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 14 item 6: the first admin, forced password changes, the admin's account calls, required TOTP, audit. */
@ExtendWith(VertxExtension.class)
@DisplayName("Account lifecycle")
class AccountLifecycleTest {

  private RunningGateway running;
  private Database db;

  private void start(Vertx vertx, Map<String, String> env) {
    // Copied only when the test names none: each copy is a database made in the server.
    String url = env.containsKey("DATABASE_URL") ? env.get("DATABASE_URL") : TestDatabases.migrated();
    Map<String, String> all = new HashMap<>(env);
    all.put("DATABASE_URL", url);
    running = RunningGateway.start(vertx, all);
    if (db == null) {
      db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    }
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
    if (db != null) {
      Await.result(db.close());
    }
  }

  private RunningGateway.StaffClient admin() {
    RunningGateway.StaffClient admin = running.client();
    assertThat(admin.login("admin", RunningGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
    return admin;
  }

  private long staffId(String login) {
    return Await.result(db.pool().preparedQuery("SELECT id FROM staff WHERE login = $1").execute(Tuple.of(login)))
        .iterator().next().getLong(0);
  }

  /** Audit rows of a succeeded action by {@code actor}, naming {@code target}. */
  private long audited(String action, long actor, Long target) {
    return Await.result(db.pool().preparedQuery("""
        SELECT count(*) FROM audit_log WHERE action = $1 AND allowed AND staff_id = $2
           AND ($3::bigint IS NULL OR (detail->>'targetStaffId')::bigint = $3)
        """).execute(Tuple.of(action, actor, target))).iterator().next().getLong(0);
  }

  private static String error(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject() == null ? null : r.bodyAsJsonObject().getString("error");
  }

  @Nested
  @DisplayName("the first admin")
  class FirstAdmin {

    @Test
    @DisplayName("without GATEWAY_ADMIN_PASSWORD, gets a generated password in a 0600 file (not on the console) and must change it; the file goes at the next start")
    void generatedToFile(Vertx vertx, @TempDir Path dataDir) throws Exception {
      String url = TestDatabases.migrated();
      start(vertx, Map.of("DATABASE_URL", url, "GATEWAY_ADMIN_PASSWORD", "", "DATA_DIR", dataDir.toString()));
      Path file = dataDir.resolve("initial-admin-password");
      assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      assertThat(password).hasSizeGreaterThanOrEqualTo(20);
      String console = running.console.toString(StandardCharsets.UTF_8);
      assertThat(console).contains(file.toAbsolutePath().toString()).doesNotContain(password);

      RunningGateway.StaffClient admin = running.client();
      HttpResponse<Buffer> login = admin.login("admin", password);
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.bodyAsJsonObject().getString("pending")).isEqualTo("password_change_required");
      HttpResponse<Buffer> refused = admin.get("/api/staff");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(error(refused)).isEqualTo("password_change_required");
      assertThat(admin.post("/api/password", new JsonObject().put("current", password).put("new", "the-admins-own-choice"), true)
          .statusCode()).isEqualTo(204);
      assertThat(admin.get("/api/staff").statusCode()).isEqualTo(200);

      running.close();
      running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "GATEWAY_ADMIN_PASSWORD", "",
          "DATA_DIR", dataDir.toString()));
      assertThat(file).doesNotExist();
      assertThat(running.client().login("admin", "the-admins-own-choice").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("with GATEWAY_ADMIN_PASSWORD chosen by the operator, needs no change and writes no file")
    void configured(Vertx vertx, @TempDir Path dataDir) {
      start(vertx, Map.of("DATA_DIR", dataDir.toString()));
      assertThat(dataDir.resolve("initial-admin-password")).doesNotExist();
      HttpResponse<Buffer> login = running.client().login("admin", RunningGateway.ADMIN_PASSWORD);
      assertThat(login.bodyAsJsonObject().containsKey("pending")).isFalse();
    }
  }

  @Nested
  @DisplayName("a new account")
  class NewAccount {

    @Test
    @DisplayName("must choose its own password before anything else, and not the one it was given")
    void forcedChange(Vertx vertx) {
      start(vertx, Map.of());
      running.created("sato", Role.CONSULTANT);
      RunningGateway.StaffClient sato = running.client();
      HttpResponse<Buffer> login = sato.login("sato", RunningGateway.initialPassword("sato"));
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.bodyAsJsonObject().getString("pending")).isEqualTo("password_change_required");
      for (HttpResponse<Buffer> r : List.of(sato.get("/api/cases"), sato.get("/api/categories"), sato.get("/api/events"),
          sato.post("/api/totp/setup", new JsonObject(), true))) {
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).isEqualTo("password_change_required");
      }
      assertThat(sato.get("/api/session").bodyAsJsonObject().getString("pending")).isEqualTo("password_change_required");
      String given = RunningGateway.initialPassword("sato");
      assertThat(error(sato.post("/api/password", new JsonObject().put("current", given).put("new", given), true)))
          .isEqualTo("same_password");
      assertThat(error(sato.post("/api/password", new JsonObject().put("current", given).put("new", "Password2026!!"), true)))
          .isEqualTo("weak_password");
      assertThat(sato.post("/api/password", new JsonObject().put("current", given).put("new", "sato-chose-this-one"), true)
          .statusCode()).isEqualTo(204);
      assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
      assertThat(sato.get("/api/session").bodyAsJsonObject().containsKey("pending")).isFalse();
      assertThat(running.client().login("sato", "sato-chose-this-one").bodyAsJsonObject().containsKey("pending")).isFalse();
    }

    @Test
    @DisplayName("cannot be given a well-known default password")
    void weakInitialPassword(Vertx vertx) {
      start(vertx, Map.of());
      HttpResponse<Buffer> r = admin().post("/api/staff", new JsonObject().put("login", "tanaka")
          .put("password", "change-this-password").put("role", "consultant").put("displayName", "田中"), true);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(error(r)).isEqualTo("weak_password");
    }
  }

  @Nested
  @DisplayName("the admin")
  class AdminCalls {

    @Test
    @DisplayName("deactivates an account: its open session stops at once, it cannot log in; reactivating lets it back")
    void deactivate(Vertx vertx) {
      start(vertx, Map.of());
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long id = staffId("sato");
      RunningGateway.StaffClient admin = admin();
      assertThat(admin.post("/api/staff/" + id + "/deactivate", new JsonObject(), true).statusCode()).isEqualTo(204);
      assertThat(sato.get("/api/cases").statusCode()).isEqualTo(401);
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(401);
      assertThat(admin.post("/api/staff/" + id + "/reactivate", new JsonObject(), true).statusCode()).isEqualTo(204);
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(200);
      long adminId = staffId("admin");
      assertThat(audited("staff.deactivate", adminId, id)).isEqualTo(1);
      assertThat(audited("staff.reactivate", adminId, id)).isEqualTo(1);
    }

    @Test
    @DisplayName("cannot deactivate, demote or reset their own account")
    void notSelf(Vertx vertx) {
      start(vertx, Map.of());
      RunningGateway.StaffClient admin = admin();
      long self = staffId("admin");
      for (String call : List.of("deactivate", "password-reset", "totp-reset")) {
        HttpResponse<Buffer> r = admin.post("/api/staff/" + self + "/" + call, new JsonObject(), true);
        assertThat(r.statusCode()).as(call).isEqualTo(409);
        assertThat(error(r)).isEqualTo("own_account");
      }
      assertThat(error(admin.post("/api/staff/" + self + "/role", new JsonObject().put("role", "chief"), true)))
          .isEqualTo("own_account");
      assertThat(admin.get("/api/session").bodyAsJsonObject().getJsonObject("staff").getString("role")).isEqualTo("admin");
    }

    @Test
    @DisplayName("two admins deactivating each other at the same moment leave one active admin")
    void lastAdmin(Vertx vertx) {
      start(vertx, Map.of());
      running.staff("kimura", Role.ADMIN);
      RunningGateway.StaffClient admin = admin();
      RunningGateway.StaffClient admin2 = running.client();
      admin2.login("kimura", "kimura-password-1");
      long first = staffId("admin");
      long second = staffId("kimura");
      WebClient web = WebClient.create(vertx);
      Future<HttpResponse<Buffer>> a = web.post(running.gateway.httpPort(), "127.0.0.1", "/api/staff/" + second + "/deactivate")
          .putHeader("Cookie", admin.cookie).putHeader("X-CSRF-Token", admin.csrf).sendJsonObject(new JsonObject());
      Future<HttpResponse<Buffer>> b = web.post(running.gateway.httpPort(), "127.0.0.1", "/api/staff/" + first + "/deactivate")
          .putHeader("Cookie", admin2.cookie).putHeader("X-CSRF-Token", admin2.csrf).sendJsonObject(new JsonObject());
      Await.result(Future.join(a, b));
      long activeAdmins = Await.result(db.pool().query("SELECT count(*) FROM staff WHERE role = 'admin' AND active").execute())
          .iterator().next().getLong(0);
      assertThat(activeAdmins).isEqualTo(1);
      assertThat(List.of(a.result().statusCode(), b.result().statusCode())).contains(204);
    }

    @Test
    @DisplayName("changes a role, in force at the account's next request")
    void role(Vertx vertx) {
      start(vertx, Map.of());
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long id = staffId("sato");
      assertThat(sato.get("/api/audit").statusCode()).isEqualTo(403);
      assertThat(admin().post("/api/staff/" + id + "/role", new JsonObject().put("role", "chief"), true).statusCode())
          .isEqualTo(200);
      // The sessions of the old role end (a live event stream opened under it would go on); the next login has the new one.
      assertThat(sato.get("/api/audit").statusCode()).isEqualTo(401);
      sato.login("sato", "sato-password-1");
      assertThat(sato.get("/api/audit").statusCode()).isEqualTo(200);
      assertThat(audited("staff.role", staffId("admin"), id)).isEqualTo(1);
    }

    @Test
    @DisplayName("an account made admin while it holds cases reads none of them, and its open cases go back to the queue")
    void promotedToAdminReadsNothing(Vertx vertx) {
      start(vertx, Map.of());
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long id = staffId("sato");
      long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "p-1", "chat-p", null,
          "相談です", running.clock.instant()))).caseId();
      Await.result(db.pool().preparedQuery("UPDATE consultation_case SET assignee_id = $1 WHERE id = $2")
          .execute(Tuple.of(id, caseId)));
      assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);

      assertThat(admin().post("/api/staff/" + id + "/role", new JsonObject().put("role", "admin"), true).statusCode())
          .isEqualTo(200);
      assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(401);
      sato.login("sato", "sato-password-1");
      assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(403);
      assertThat(Await.result(db.pool().preparedQuery("SELECT assignee_id FROM consultation_case WHERE id = $1")
          .execute(Tuple.of(caseId))).iterator().next().getValue(0)).isNull();
    }

    @Test
    @DisplayName("unlocks a locked account")
    void unlock(Vertx vertx) {
      start(vertx, Map.of());
      running.staff("sato", Role.CONSULTANT);
      for (int i = 0; i < 5; i++) {
        running.client().login("sato", "wrong-password");
      }
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(401);
      long id = staffId("sato");
      assertThat(admin().post("/api/staff/" + id + "/unlock", new JsonObject(), true).statusCode()).isEqualTo(204);
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(200);
      assertThat(audited("staff.unlock", staffId("admin"), id)).isEqualTo(1);
    }

    @Test
    @DisplayName("resets a password: a one-time password for the admin, the account's sessions end, a forced change follows")
    void resetPassword(Vertx vertx) {
      start(vertx, Map.of());
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long id = staffId("sato");
      HttpResponse<Buffer> reset = admin().post("/api/staff/" + id + "/password-reset", new JsonObject(), true);
      assertThat(reset.statusCode()).isEqualTo(200);
      String temporary = reset.bodyAsJsonObject().getString("temporaryPassword");
      assertThat(temporary).hasSizeGreaterThanOrEqualTo(20);
      assertThat(sato.get("/api/session").statusCode()).isEqualTo(401);
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(401);
      HttpResponse<Buffer> login = running.client().login("sato", temporary);
      assertThat(login.bodyAsJsonObject().getString("pending")).isEqualTo("password_change_required");
      assertThat(audited("staff.password.reset", staffId("admin"), id)).isEqualTo(1);
      String details = Await.result(db.pool().query("SELECT string_agg(detail::text, ' ') FROM audit_log").execute())
          .iterator().next().getString(0);
      assertThat(details).doesNotContain(temporary).doesNotContain("sato-password-1");
    }

    @Test
    @DisplayName("resets the second factor of a lost phone: the next login needs no code")
    void resetTotp(Vertx vertx) throws Exception {
      start(vertx, Map.of());
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      String secret = sato.post("/api/totp/setup", new JsonObject(), true).bodyAsJsonObject().getString("secret");
      assertThat(sato.post("/api/totp/enable", new JsonObject().put("code", AccountsTest.code(secret,
          running.clock.instant().getEpochSecond() / 30)), true).statusCode()).isEqualTo(204);
      assertThat(error(running.client().login("sato", "sato-password-1"))).isEqualTo("totp_required");
      long id = staffId("sato");
      assertThat(admin().post("/api/staff/" + id + "/totp-reset", new JsonObject(), true).statusCode()).isEqualTo(204);
      assertThat(sato.get("/api/session").statusCode()).isEqualTo(401);
      assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(200);
      assertThat(audited("staff.totp.reset", staffId("admin"), id)).isEqualTo(1);
      assertThat(audited("totp.enable", id, null)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("REQUIRE_TOTP_ROLES: a chief without a second factor enrols it before anything else; consultants are not held")
  void requiredTotp(Vertx vertx) throws Exception {
    start(vertx, Map.of("REQUIRE_TOTP_ROLES", "chief"));
    RunningGateway.StaffClient chief = running.staff("chief", Role.CHIEF);
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
    assertThat(chief.get("/api/session").bodyAsJsonObject().getString("pending")).isEqualTo("totp_enrolment_required");
    HttpResponse<Buffer> held = chief.get("/api/cases");
    assertThat(held.statusCode()).isEqualTo(403);
    assertThat(error(held)).isEqualTo("totp_enrolment_required");
    String secret = chief.post("/api/totp/setup", new JsonObject(), true).bodyAsJsonObject().getString("secret");
    assertThat(chief.post("/api/totp/enable", new JsonObject().put("code", AccountsTest.code(secret,
        running.clock.instant().getEpochSecond() / 30)), true).statusCode()).isEqualTo(204);
    assertThat(chief.get("/api/cases").statusCode()).isEqualTo(200);
    assertThat(error(running.client().login("chief", "chief-password-1"))).isEqualTo("totp_required");
  }

  @Test
  @DisplayName("a case cannot be assigned to the admin or a deactivated account")
  void noAssigningToAdmin(Vertx vertx) {
    start(vertx, Map.of());
    RunningGateway.StaffClient chief = running.chief();
    running.staff("sato", Role.CONSULTANT);
    running.staff("gone", Role.CONSULTANT);
    RunningGateway.StaffClient admin = admin();
    assertThat(admin.post("/api/staff/" + staffId("gone") + "/deactivate", new JsonObject(), true).statusCode()).isEqualTo(204);
    long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "a-1", "chat-a", null,
        "相談です", running.clock.instant()))).caseId();
    String path = "/api/cases/" + caseId + "/assign";
    for (String login : List.of("admin", "gone")) {
      HttpResponse<Buffer> r = chief.post(path, new JsonObject().put("staffId", staffId(login)), true);
      assertThat(r.statusCode()).as(login).isEqualTo(422);
      assertThat(error(r)).isEqualTo("not_assignable");
    }
    assertThat(chief.post(path, new JsonObject().put("staffId", staffId("sato")), true).statusCode()).isEqualTo(200);
    long refused = Await.result(db.pool().preparedQuery(
        "SELECT count(*) FROM audit_log WHERE action = 'case.assign' AND NOT allowed AND case_id = $1").execute(Tuple.of(caseId)))
        .iterator().next().getLong(0);
    assertThat(refused).isEqualTo(2);
  }

  @Test
  @DisplayName("every privileged action that succeeds is audited with its actor: accounts, templates, agencies, rules, audit export")
  void privilegedActionsAudited(Vertx vertx) {
    start(vertx, Map.of());
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient admin = admin();
    long adminId = staffId("admin");
    long chiefId = staffId("chief");
    assertThat(audited("staff.create", adminId, chiefId)).isEqualTo(1);
    assertThat(audited("password.change", chiefId, null)).isEqualTo(1);
    assertThat(admin.post("/api/templates", new JsonObject().put("title", "挨拶").put("body", "こんにちは"), true).statusCode())
        .isEqualTo(201);
    assertThat(admin.post("/api/agencies", new JsonObject().put("name", "社協").put("kind", "council"), true).statusCode())
        .isEqualTo(201);
    String rules = chief.get("/api/triage/rules").bodyAsJsonObject().getString("rules");
    assertThat(Await.result(WebClient.create(vertx).put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/rules")
        .putHeader("Cookie", chief.cookie).putHeader("X-CSRF-Token", chief.csrf)
        .sendJsonObject(new JsonObject().put("rules", rules))).statusCode()).isEqualTo(200);
    assertThat(chief.get("/api/audit.csv").statusCode()).isEqualTo(200);
    assertThat(audited("template.save", adminId, null)).isEqualTo(1);
    assertThat(audited("agency.create", adminId, null)).isEqualTo(1);
    assertThat(audited("triage.rules.write", chiefId, null)).isEqualTo(1);
    assertThat(audited("audit.export", chiefId, null)).isEqualTo(1);
  }
}
