package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
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

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /api/cases?q=}: a case found by a word of its messages or its contact, only by who may read it. */
@ExtendWith(VertxExtension.class)
@DisplayName("Finding cases")
class CaseSearchTest {

  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient chief;
  private RunningGateway.StaffClient sato;
  private RunningGateway.StaffClient suzuki;
  private long rent;
  private long debt;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    chief = running.chief();
    sato = running.staff("sato", Role.CONSULTANT);
    suzuki = running.staff("suzuki", Role.CONSULTANT);
    rent = receive("chat-rent", null, "家賃を３か月滞納しています。大家さんから退去と言われました");
    debt = receive("taro@example.jp", "山田 太郎", "カードローンの返済ができません");
    assign(rent, "sato");
    assign(debt, "suzuki");
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private long receive(String contact, String name, String text) {
    String channel = contact.contains("@") ? "mail" : "webchat";
    return Await.result(running.gateway.pipeline().receive(new InboundMessage(channel, contact + "-1", contact, name,
        text, running.clock.instant()))).caseId();
  }

  private void assign(long caseId, String login) {
    Await.result(db.pool().preparedQuery("UPDATE consultation_case SET assignee_id = (SELECT id FROM staff WHERE login = $1) WHERE id = $2")
        .execute(Tuple.of(login, caseId)));
  }

  private List<Long> found(RunningGateway.StaffClient who, String phrase) {
    var r = who.get("/api/cases?q=" + URLEncoder.encode(phrase, StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
    List<Long> ids = new ArrayList<>();
    items.forEach(i -> ids.add(((io.vertx.core.json.JsonObject) i).getLong("id")));
    return ids;
  }

  @Test
  @DisplayName("finds by a word of a message (full- or half-width), a name and a mail address, for the chief")
  void chiefFinds() {
    assertThat(found(chief, "滞納")).containsExactly(rent);
    assertThat(found(chief, "3か月")).as("half-width digit against the resident's full-width").containsExactly(rent);
    assertThat(found(chief, "退去")).containsExactly(rent);
    assertThat(found(chief, "山田")).containsExactly(debt);
    assertThat(found(chief, "TARO@EXAMPLE")).containsExactly(debt);
    assertThat(found(chief, "ローン")).containsExactly(debt);
    assertThat(found(chief, "ﾛｰﾝ")).as("half-width katakana").containsExactly(debt);
    assertThat(found(chief, "ｶﾞ")).as("two half-width characters that fold into one").isEmpty();
    assertThat(found(chief, "生活保護")).isEmpty();
    assertThat(found(chief, "家")).as("one character, no bigram").containsExactly(rent);
    // A note without a staff author (a chat opened on another device) is boilerplate, like the desk's notices.
    Await.result(db.pool().preparedQuery("""
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery)
        SELECT id, contact_id, channel, 'note', '【自動記録】別の端末から開きました', NULL, 'none' FROM consultation_case
         WHERE id = $1""").execute(Tuple.of(debt)));
    assertThat(found(chief, "端末")).isEmpty();
    assertThat(found(chief, "自動記録")).isEmpty();
  }

  @Test
  @DisplayName("finds for a consultant only their own cases, refuses the administrator, and audits each search without the phrase")
  void needToKnow() {
    assertThat(found(sato, "滞納")).containsExactly(rent);
    assertThat(found(suzuki, "滞納")).isEmpty();
    assertThat(found(suzuki, "ローン")).containsExactly(debt);
    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    assertThat(admin.get("/api/cases?q=" + URLEncoder.encode("滞納", StandardCharsets.UTF_8)).statusCode()).isEqualTo(403);
    long audited = Await.result(db.pool().query(
        "SELECT count(*) FROM audit_log WHERE action = 'case.search' AND allowed AND detail::text NOT LIKE '%滞納%'")
        .execute()).iterator().next().getLong(0);
    assertThat(audited).isEqualTo(3);
    assertThat(chief.get("/api/cases?q=").statusCode()).isEqualTo(400);
  }
}
