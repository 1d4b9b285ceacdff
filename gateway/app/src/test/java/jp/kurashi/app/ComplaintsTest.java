package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The complaints register (苦情受付簿): who records, who answers for it, who sees it, and the audit trail. */
@ExtendWith(VertxExtension.class)
@DisplayName("The complaints register")
class ComplaintsTest {

  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private JsonObject complaint(String channel, String summary) {
    return new JsonObject().put("receivedAt", running.clock.instant().minusSeconds(600).toString())
        .put("channel", channel).put("summary", summary);
  }

  private long count(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("a complaint form sent twice at once, or again after a lost answer, records one entry, its repeats audited apart; edited, it is refused; another recorder's same draft is theirs")
  void draftOnce() {
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    JsonObject form = complaint("phone", "電話で、返信が遅いとのご意見").put("draftId", "2b1a0f9e-8d7c-4b6a-95f4-e3d2c1b0a9f8");

    List<HttpResponse<Buffer>> sent = Await.result(Future.all(sato.postAsync("/api/complaints", form),
        sato.postAsync("/api/complaints", form))).list();
    sent.forEach(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getLong("id")).containsOnly(sent.get(0).bodyAsJsonObject().getLong("id"));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getBoolean("alreadyRecorded")).containsExactlyInAnyOrder(false, true);
    assertThat(sato.post("/api/complaints", form, true).bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
    assertThat(count("SELECT count(*) FROM complaint")).isOne();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.create' AND allowed")).isOne();
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.create.repeat' AND allowed")).isEqualTo(2);

    for (JsonObject edited : List.of(form.copy().put("summary", "電話で、対応が遅いとのご意見"),
        form.copy().put("channel", "letter"), form.copy().put("receivedAt", running.clock.instant().minusSeconds(900).toString()))) {
      var refused = sato.post("/api/complaints", edited, true);
      assertThat(refused.statusCode()).as(edited.encode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
    }
    assertThat(count("SELECT count(*) FROM complaint")).isOne();
    assertThat(chief.post("/api/complaints", form, true).statusCode()).as("the chief's form of the same id")
        .isEqualTo(201);
    assertThat(count("SELECT count(*) FROM complaint")).isEqualTo(2);

    // The chief's form sent again naming a case: refused, and the case is not marked as a complaint by it.
    long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m-draft", "chat-draft",
        null, "相談です", running.clock.instant()))).caseId();
    var named = chief.post("/api/complaints", form.copy().put("caseId", caseId), true);
    assertThat(named.statusCode()).as(named.bodyAsString()).isEqualTo(409);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE complaint AND id = $1", caseId)).isZero();
  }

  @Test
  @DisplayName("puts a consultant's entry under the chief's responsibility; the chief sees every entry, a consultant only theirs")
  void recordAndList() {
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    RunningGateway.StaffClient suzuki = running.staff("suzuki", Role.CONSULTANT);

    var byPhone = sato.post("/api/complaints", complaint("phone", "電話で、返信が遅いとのご意見"), true);
    assertThat(byPhone.statusCode()).as(byPhone.bodyAsString()).isEqualTo(201);
    JsonObject entry = byPhone.bodyAsJsonObject();
    assertThat(entry.getString("responsibleName")).isEqualTo("職員 chief");
    assertThat(entry.getString("status")).isEqualTo("open");
    assertThat(suzuki.post("/api/complaints", complaint("letter", "手紙でのご意見"), true).statusCode()).isEqualTo(201);

    JsonArray all = chief.get("/api/complaints").bodyAsJsonObject().getJsonArray("items");
    assertThat(all).hasSize(2);
    assertThat(all.getJsonObject(0).getString("summary")).isEqualTo("手紙でのご意見");
    JsonArray satos = sato.get("/api/complaints").bodyAsJsonObject().getJsonArray("items");
    assertThat(satos).hasSize(1);
    assertThat(satos.getJsonObject(0).getString("summary")).contains("返信が遅い");
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.create' AND allowed")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.list' AND allowed")).isEqualTo(2);
  }

  @Test
  @DisplayName("records the response and the closing day by the person responsible, and only the chief hands it to someone else")
  void respondAndClose() {
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    long satoId = count("SELECT id FROM staff WHERE login = 'sato'");
    long id = chief.post("/api/complaints", complaint("walk_in", "窓口での対応について"), true).bodyAsJsonObject().getLong("id");
    String today = java.time.LocalDate.now(running.clock.withZone(java.time.ZoneId.of("Asia/Tokyo"))).toString();

    assertThat(sato.patch("/api/complaints/" + id, new JsonObject().put("response", "説明しました")).statusCode())
        .as("not responsible").isEqualTo(403);
    assertThat(sato.patch("/api/complaints/" + id, new JsonObject().put("closedOn", "2000-01-01")).statusCode())
        .as("not responsible: refused before the day is judged, so no answer tells when it was received").isEqualTo(403);
    var handed = chief.patch("/api/complaints/" + id, new JsonObject().put("responsibleId", satoId));
    assertThat(handed.statusCode()).as(handed.bodyAsString()).isEqualTo(200);
    assertThat(sato.patch("/api/complaints/" + id, new JsonObject().put("responsibleId", satoId)).statusCode())
        .as("a consultant cannot change who is responsible").isEqualTo(403);

    var closed = sato.patch("/api/complaints/" + id, new JsonObject().put("response", "お詫びし、手順を見直しました")
        .put("closedOn", today));
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
    assertThat(closed.bodyAsJsonObject().getString("status")).isEqualTo("closed");
    assertThat(closed.bodyAsJsonObject().getString("response")).isEqualTo("お詫びし、手順を見直しました");
    String tomorrow = java.time.LocalDate.parse(today).plusDays(1).toString();
    assertThat(chief.patch("/api/complaints/" + id, new JsonObject().put("closedOn", tomorrow)).statusCode())
        .as("closed tomorrow").isEqualTo(400);
    assertThat(chief.patch("/api/complaints/" + id, new JsonObject().put("closedOn", "2020-01-01")).statusCode())
        .as("closed before it was received").isEqualTo(400);
    var reopened = chief.patch("/api/complaints/" + id, new JsonObject().put("reopen", true));
    assertThat(reopened.bodyAsJsonObject().getString("closedOn")).isNull();
    assertThat(reopened.bodyAsJsonObject().getString("response")).isEqualTo("お詫びし、手順を見直しました");
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.update' AND allowed")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'complaint.update' AND NOT allowed")).isEqualTo(3);
  }

  @Test
  @DisplayName("marks the case a complaint is about, for who may read it; others get 403 and nothing is recorded")
  void aboutACase() {
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "c-1", "chat-1", null,
        "相談です", running.clock.instant()))).caseId();

    assertThat(sato.post("/api/complaints", complaint("webchat", "苦情").put("caseId", caseId), true).statusCode())
        .isEqualTo(403);
    assertThat(count("SELECT count(*) FROM complaint")).isZero();
    var recorded = chief.post("/api/complaints", complaint("webchat", "苦情").put("caseId", caseId), true);
    assertThat(recorded.statusCode()).isEqualTo(201);
    assertThat(recorded.bodyAsJsonObject().getLong("caseId")).isEqualTo(caseId);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE complaint AND id = $1", caseId)).isOne();

    assertThat(chief.get("/api/complaints").statusCode()).isEqualTo(200);
    io.vertx.core.json.JsonObject detail = Await.result(db.pool().query("SELECT detail FROM audit_log "
        + "WHERE action = 'complaint.list' ORDER BY id DESC LIMIT 1").execute()).iterator().next().getJsonObject(0);
    assertThat(detail.getJsonArray("caseIds")).as("the register's read names the case its entry is about").hasSize(1);
    assertThat(detail.getJsonArray("caseIds").getLong(0)).isEqualTo(caseId);
    assertThat(detail.getJsonArray("complaintIds")).hasSize(1);
  }

  @Test
  @DisplayName("refuses what cannot be a register entry: no chief to answer for it, a future date, an unknown channel")
  void refuses() {
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    var noChief = sato.post("/api/complaints", complaint("phone", "苦情"), true);
    assertThat(noChief.statusCode()).isEqualTo(409);
    assertThat(noChief.bodyAsJsonObject().getString("error")).isEqualTo("no_responsible");

    running.chief();
    var future = sato.post("/api/complaints", complaint("phone", "苦情")
        .put("receivedAt", running.clock.instant().plusSeconds(86_400).toString()), true);
    assertThat(future.statusCode()).isEqualTo(400);
    assertThat(sato.post("/api/complaints", complaint("fax", "苦情"), true).statusCode()).isEqualTo(400);
    assertThat(sato.post("/api/complaints", complaint("phone", "苦情")
        .put("receivedAt", running.clock.instant().minus(java.time.Duration.ofDays(4 * 365)).toString()), true).statusCode())
        .as("received four years ago: a typing mistake").isEqualTo(400);
    assertThat(sato.post("/api/complaints", complaint("phone", " "), true).statusCode()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM complaint")).isZero();
  }
}
