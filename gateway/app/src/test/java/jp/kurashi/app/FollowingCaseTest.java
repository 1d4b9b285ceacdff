package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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

/**
 * {@code GET /api/cases/{id}/messages?after=ID}: a console following the case it opened gets the new messages only,
 * and following is not a read: opening the case writes one {@code case.read} row, the messages that follow none.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Following an open case")
class FollowingCaseTest {

  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient sato;
  private long caseId;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    sato = running.staff("sato", Role.CONSULTANT);
    caseId = write("first", "家賃を滞納しています");
    assertThat(sato.post("/api/cases/" + caseId + "/claim", new JsonObject(), true).statusCode()).isEqualTo(200);
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  /** A web chat message of the same resident, through the whole inbound pipeline. */
  private long write(String externalId, String text) {
    return Await.result(running.gateway.pipeline().receive(
        new InboundMessage("webchat", externalId, "chat-follow", null, text, running.clock.instant()))).caseId();
  }

  private long auditRows(String login, String action) {
    return Await.result(db.pool().preparedQuery("""
            SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.staff_id
             WHERE s.login = $1 AND a.case_id = $2 AND a.action = $3""")
        .execute(Tuple.of(login, caseId, action))).iterator().next().getLong(0);
  }

  private static List<String> texts(HttpResponse<Buffer> r, String key) {
    return r.bodyAsJsonObject().getJsonArray(key).stream().map(JsonObject.class::cast)
        .filter(m -> "in".equals(m.getString("direction"))).map(m -> m.getString("text")).toList();
  }

  private static long newest(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonArray("messages").stream().map(JsonObject.class::cast)
        .mapToLong(m -> m.getLong("id")).max().orElseThrow();
  }

  @Test
  @DisplayName("opening a case and following five new messages writes exactly one case.read row")
  void fiveMessagesOneRead() {
    HttpResponse<Buffer> opened = sato.get("/api/cases/" + caseId);
    assertThat(opened.statusCode()).isEqualTo(200);
    long after = newest(opened);
    for (int i = 1; i <= 5; i++) {
      assertThat(write("next-" + i, "続きの相談 " + i)).isEqualTo(caseId);
    }

    HttpResponse<Buffer> followed = sato.backgroundGet("/api/cases/" + caseId + "/messages?after=" + after);

    assertThat(followed.statusCode()).as(followed.bodyAsString()).isEqualTo(200);
    assertThat(texts(followed, "items")).containsExactly("続きの相談 1", "続きの相談 2", "続きの相談 3", "続きの相談 4",
        "続きの相談 5");
    assertThat(followed.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .allMatch(m -> m.getLong("id") > after)).isTrue();
    assertThat(auditRows("sato", "case.read")).isEqualTo(1);
    assertThat(Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log WHERE case_id = $1 AND id > "
        + "(SELECT max(id) FROM audit_log WHERE action = 'case.read')").execute(Tuple.of(caseId)))
        .iterator().next().getLong(0)).as("nothing audited after the read").isZero();
  }

  @Test
  @DisplayName("a case this login has not opened is 409 read_first, also after logging in again")
  void readFirst() {
    HttpResponse<Buffer> before = sato.get("/api/cases/" + caseId + "/messages?after=0");
    assertThat(before.statusCode()).isEqualTo(409);
    assertThat(before.bodyAsJsonObject().getString("error")).isEqualTo("read_first");

    assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
    assertThat(sato.get("/api/cases/" + caseId + "/messages?after=0").statusCode()).isEqualTo(200);

    // A new login (another browser): the read recorded in the earlier one no longer covers following.
    RunningGateway.StaffClient again = running.client();
    assertThat(again.login("sato", "sato-password-1").statusCode()).isEqualTo(200);
    assertThat(again.get("/api/cases/" + caseId + "/messages?after=0").statusCode()).isEqualTo(409);
    assertThat(sato.get("/api/cases/" + caseId + "/messages?after=x").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("a session left open (a shared PC) may not follow a case its owner opened in a later session elsewhere")
  void readInAnotherSession() {
    // sato's session stays open on the shared PC; sato then logs in at their own desk and opens the case there.
    RunningGateway.StaffClient ownDesk = running.client();
    assertThat(ownDesk.login("sato", "sato-password-1").statusCode()).isEqualTo(200);
    assertThat(ownDesk.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
    assertThat(ownDesk.get("/api/cases/" + caseId + "/messages?after=0").statusCode()).isEqualTo(200);

    HttpResponse<Buffer> sharedPc = sato.get("/api/cases/" + caseId + "/messages?after=0");
    assertThat(sharedPc.statusCode()).as("the thread is read, and recorded, in the session that shows it")
        .isEqualTo(409);
    assertThat(sharedPc.bodyAsJsonObject().getString("error")).isEqualTo("read_first");
    assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
    assertThat(sato.get("/api/cases/" + caseId + "/messages?after=0").statusCode()).isEqualTo(200);
    assertThat(auditRows("sato", "case.read")).as("one read recorded per session").isEqualTo(2);
  }

  @Test
  @DisplayName("typing in one's own case is checked but not audited each time; another consultant's typing is refused, audited")
  void typing() {
    for (int i = 0; i < 5; i++) {
      assertThat(sato.post("/api/cases/" + caseId + "/typing", new JsonObject(), true).statusCode()).isEqualTo(204);
    }
    assertThat(auditRows("sato", "case.typing")).as("a signal that shows nothing, every 3 s while typing").isZero();

    RunningGateway.StaffClient suzuki = running.staff("suzuki", Role.CONSULTANT);
    assertThat(suzuki.post("/api/cases/" + caseId + "/typing", new JsonObject(), true).statusCode()).isEqualTo(403);
    assertThat(auditRows("suzuki", "case.typing")).isOne();
  }

  @Test
  @DisplayName("another consultant may not follow the case: 403, audited")
  void notTheirs() {
    RunningGateway.StaffClient suzuki = running.staff("suzuki", Role.CONSULTANT);

    assertThat(suzuki.get("/api/cases/" + caseId + "/messages?after=0").statusCode()).isEqualTo(403);
    assertThat(Await.result(db.pool().preparedQuery("""
            SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.staff_id
             WHERE s.login = 'suzuki' AND a.case_id = $1 AND a.action = 'case.follow' AND NOT a.allowed""")
        .execute(Tuple.of(caseId))).iterator().next().getLong(0)).isEqualTo(1);
  }
}
