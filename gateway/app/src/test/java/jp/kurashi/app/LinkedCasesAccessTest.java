package jp.kurashi.app;

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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Need-to-know across a resident's linked cases: the thread of one case shows another case of the same
 * person only to who may read that case directly (the chief, its assignee), each case shown audited.
 * Claiming is only for open cases of one's own office.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Linked cases and claims")
class LinkedCasesAccessTest {

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

  private long write(String channel, String contact, String externalId, String text) {
    return Await.result(running.gateway.pipeline().receive(
        new InboundMessage(channel, externalId, contact, null, text, running.clock.instant()))).caseId();
  }

  private void assign(long caseId, String login) {
    Await.result(db.pool().preparedQuery("UPDATE consultation_case SET assignee_id = (SELECT id FROM staff WHERE login = $1) WHERE id = $2")
        .execute(Tuple.of(login, caseId)));
  }

  /** Audit rows up to this id were written while setting the cases up. */
  private long auditFrom;

  private long reads(String login, long caseId) {
    return Await.result(db.pool().preparedQuery("""
            SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.staff_id
             WHERE s.login = $1 AND a.case_id = $2 AND a.action = 'case.read' AND a.allowed AND a.id > $3""")
        .execute(Tuple.of(login, caseId, auditFrom))).iterator().next().getLong(0);
  }

  /** What residents and staff wrote; automatic messages (the LINE consent request) are left out. */
  private static List<String> texts(HttpResponse<Buffer> r) {
    JsonArray messages = r.bodyAsJsonObject().getJsonArray("messages");
    return messages.stream().map(JsonObject.class::cast)
        .filter(m -> !("out".equals(m.getString("direction")) && m.getValue("staffId") == null))
        .map(m -> m.getString("text")).toList();
  }

  @Nested
  @DisplayName("a resident's thread across linked cases")
  class Thread {

    private RunningGateway.StaffClient chief;
    private RunningGateway.StaffClient sato;
    private RunningGateway.StaffClient suzuki;
    private long one;
    private long two;

    @BeforeEach
    void linked() {
      chief = running.chief();
      sato = running.staff("sato", Role.CONSULTANT);
      suzuki = running.staff("suzuki", Role.CONSULTANT);
      one = write("webchat", "chat-1", "m-1", "チャットで家賃の相談です");
      two = write("line", "U-same-person", "ev-1", "LINEで夫からの暴力の相談です");
      assign(one, "sato");
      assign(two, "suzuki");
      assertThat(chief.post("/api/cases/" + one + "/link", new JsonObject().put("caseId", two), true).statusCode())
          .isEqualTo(200);
      assertThat(suzuki.post("/api/cases/" + two + "/notes", new JsonObject().put("text", "内部メモ：避難先を検討中"), true)
          .statusCode()).isEqualTo(201);
      // The audit log is append-only (V17): reads are counted from here on, not after emptying it.
      auditFrom = Await.result(db.pool().query("SELECT COALESCE(max(id), 0) FROM audit_log").execute()).iterator().next()
          .getLong(0);
    }

    @Test
    @DisplayName("gives a consultant their case's thread without the messages or notes of the linked case they were not given")
    void consultantSeesOnlyTheirCase() {
      HttpResponse<Buffer> r = sato.get("/api/cases/" + one);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(texts(r)).containsExactly("チャットで家賃の相談です");
      assertThat(r.bodyAsString()).doesNotContain("暴力").doesNotContain("内部メモ");
      assertThat(reads("sato", one)).isEqualTo(1);
      assertThat(reads("sato", two)).as("nothing of case 2 shown, no read of it recorded").isZero();
    }

    @Test
    @DisplayName("gives the other case's assignee their case with its notes, not the consultant's case")
    void otherAssignee() {
      HttpResponse<Buffer> r = suzuki.get("/api/cases/" + two);

      assertThat(texts(r)).containsExactlyInAnyOrder("LINEで夫からの暴力の相談です", "内部メモ：避難先を検討中");
      assertThat(r.bodyAsString()).doesNotContain("家賃");
    }

    @Test
    @DisplayName("gives the chief the whole thread, notes of the linked case included, with one audit row per case shown")
    void chiefSeesAllAuditedPerCase() {
      HttpResponse<Buffer> r = chief.get("/api/cases/" + one);

      assertThat(texts(r)).containsExactlyInAnyOrder("チャットで家賃の相談です", "LINEで夫からの暴力の相談です",
          "内部メモ：避難先を検討中");
      assertThat(r.bodyAsJsonObject().getJsonArray("messages").stream()
          .map(m -> ((JsonObject) m).getLong("caseId"))).contains(one, two);
      assertThat(reads("chief", one)).isEqualTo(1);
      assertThat(reads("chief", two)).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("claiming a case")
  class Claiming {

    @Test
    @DisplayName("refuses a closed case with 409, and leaves it unassigned")
    void closed() {
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long caseId = write("webchat", "chat-1", "m-1", "相談です");
      Await.result(db.pool().preparedQuery("UPDATE consultation_case SET status = 'closed', outcome = 'other' WHERE id = $1")
          .execute(Tuple.of(caseId)));

      HttpResponse<Buffer> r = sato.post("/api/cases/" + caseId + "/claim", new JsonObject(), true);

      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("case_closed");
      assertThat(Await.result(db.pool().preparedQuery("SELECT assignee_id FROM consultation_case WHERE id = $1")
          .execute(Tuple.of(caseId))).iterator().next().getLong(0)).isNull();
    }

    @Test
    @DisplayName("answers 404 to another office's case, as if it did not exist, and leaves it unassigned")
    void otherOffice() {
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long theirs = otherOfficeCase(db);

      HttpResponse<Buffer> r = sato.post("/api/cases/" + theirs + "/claim", new JsonObject(), true);

      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(Await.result(db.pool().preparedQuery("SELECT assignee_id FROM consultation_case WHERE id = $1")
          .execute(Tuple.of(theirs))).iterator().next().getLong(0)).isNull();
    }

    @Test
    @DisplayName("still assigns an open case of the office to the caller")
    void open() {
      RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
      long caseId = write("webchat", "chat-1", "m-1", "相談です");

      assertThat(sato.post("/api/cases/" + caseId + "/claim", new JsonObject(), true).statusCode()).isEqualTo(200);
      assertThat(sato.post("/api/cases/" + caseId + "/claim", new JsonObject(), true).statusCode()).isEqualTo(409);
    }
  }

  /** A case of a second office sharing the deployment, written straight into the database. */
  static long otherOfficeCase(Database db) {
    return Await.result(db.pool().query("""
        WITH o AS (INSERT INTO office (code, name) VALUES ('other', '別の窓口') RETURNING id),
             k AS (INSERT INTO contact (office_id, channel, external_id) SELECT id, 'webchat', 'chat-other-office' FROM o RETURNING id, office_id)
        INSERT INTO consultation_case (office_id, contact_id, channel) SELECT office_id, id, 'webchat' FROM k RETURNING id
        """).execute()).iterator().next().getLong(0);
  }
}
