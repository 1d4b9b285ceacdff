package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A year of cases seeded straight into the case tables, and every figure of the report checked. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The monthly report")
class MonthlyReportTest {

  private static final ZoneId JST = ZoneId.of("Asia/Tokyo");
  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private long office;
  private long staff;
  private JsonObject report;

  private static OffsetDateTime jst(String local) {
    return LocalDateTime.parse(local).atZone(JST).toOffsetDateTime();
  }

  private long seedCase(String opened, String channel, String urgency, String[] categories) {
    long contact = Await.result(db.pool().preparedQuery(
        "INSERT INTO contact (office_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id")
        .execute(Tuple.of(office, channel, "seed-" + System.nanoTime()))).iterator().next().getLong(0);
    return Await.result(db.pool().preparedQuery("""
        INSERT INTO consultation_case (office_id, contact_id, channel, urgency, categories, opened_at, last_message_at)
        VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id""")
        .execute(Tuple.of(office, contact, channel, urgency, categories, jst(opened)))).iterator().next().getLong(0);
  }

  private void sql(String sql, Object... params) {
    Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  private void staffReply(long caseId, String at) {
    sql("""
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at)
        SELECT id, contact_id, channel, 'out', '返信', $2, 'sent', $3 FROM consultation_case WHERE id = $1""",
        caseId, staff, jst(at));
  }

  private void handoff(long caseId, String kind, String createdAt) {
    sql("INSERT INTO handoff (case_id, kind, staff_id, created_at) VALUES ($1, $2, $3, $4)", caseId, kind, staff, jst(createdAt));
  }

  @BeforeAll
  void seed() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url));
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    office = Await.result(db.pool().query("SELECT id FROM office").execute()).iterator().next().getLong(0);
    RunningGateway.StaffClient chief = running.chief();
    staff = Await.result(db.pool().query("SELECT id FROM staff WHERE login = 'chief'").execute()).iterator().next().getLong(0);

    seedCase("2025-04-01T00:00", "webchat", "normal", new String[] {"economic"});          // first minute of FY2025
    seedCase("2025-03-31T23:59", "line", "normal", new String[] {"economic"});             // last minute of FY2024
    seedCase("2026-03-31T23:59", "mail", "urgent", new String[] {"debt", "food"});         // last minute of FY2025
    seedCase("2026-04-01T00:00", "webchat", "normal", new String[] {"economic"});          // FY2026
    seedCase("2025-05-31T23:59", "webchat", "normal", new String[] {"other"});             // month end
    seedCase("2025-06-01T00:00", "mail", "normal", new String[] {"isolation"});            // month start
    long crisis = seedCase("2025-08-15T12:00", "line", "crisis", new String[] {"suicide_risk"});
    staffReply(crisis, "2025-08-15T12:30");
    handoff(crisis, "referral", "2025-08-16T10:00");
    sql("UPDATE consultation_case SET status = 'closed', outcome = 'referred', closed_at = $2 WHERE id = $1",
        crisis, jst("2025-09-02T09:00"));
    long reopened = seedCase("2025-08-20T09:00", "webchat", "normal", new String[] {"housing"});
    staffReply(reopened, "2025-08-20T10:30");
    // Closed as no response, then reopened when the resident wrote again: counted once, not as closed.
    sql("UPDATE consultation_case SET status = 'closed', outcome = 'no_response', closed_at = $2 WHERE id = $1",
        reopened, jst("2025-08-25T09:00"));
    sql("UPDATE consultation_case SET status = 'open', outcome = NULL, closed_at = NULL WHERE id = $1", reopened);
    long kept = seedCase("2025-10-10T15:00", "webchat", "normal", new String[] {"job_seeking"});
    long duplicate = seedCase("2025-10-10T15:05", "webchat", "normal", new String[] {"job_seeking"});
    assertThat(chief.post("/api/cases/" + duplicate + "/merge", new JsonObject().put("into", kept), true).statusCode())
        .isEqualTo(200);
    handoff(kept, "appointment", "2025-10-11T10:00");
    handoff(kept, "outreach", "2025-10-12T10:00");

    // A phone consultation from a family member a neighbour sent, with its milestones, contacts and a referral.
    long phone = seedCase("2026-01-15T10:00", "phone", "normal", new String[] {"job_seeking"});
    sql("UPDATE consultation_case SET consulter = 'family', referral_source = 'neighbour' WHERE id = $1", phone);
    String milestone = "INSERT INTO case_milestone (office_id, case_id, kind, done_on, recorded_by, recorded_at) "
        + "VALUES ($1, $2, $3, $4, $5, now())";
    sql(milestone, office, phone, "assessment", java.time.LocalDate.parse("2025-03-31"), staff);   // FY2024
    sql(milestone, office, phone, "plan", java.time.LocalDate.parse("2026-01-20"), staff);
    sql(milestone, office, phone, "evaluation", java.time.LocalDate.parse("2026-03-31"), staff);   // last day of FY2025
    sql(milestone, office, phone, "replan", java.time.LocalDate.parse("2026-04-01"), staff);       // FY2026
    String contactMade = "INSERT INTO case_contact_log (office_id, case_id, kind, at, staff_id, recorded_at) "
        + "VALUES ($1, $2, $3, $4, $5, now())";
    sql(contactMade, office, phone, "phone_call", jst("2026-01-21T10:00"), staff);
    sql(contactMade, office, phone, "visit", jst("2026-02-05T14:00"), staff);
    long agency = Await.result(db.pool().preparedQuery(
        "INSERT INTO agency (office_id, name, kind) VALUES ($1, 'ハローワーク西', 'employment') RETURNING id")
        .execute(Tuple.of(office))).iterator().next().getLong(0);
    sql("INSERT INTO handoff (case_id, kind, staff_id, created_at, agency_id) VALUES ($1, 'referral', $2, $3, $4)",
        phone, staff, jst("2026-01-22T11:00"), agency);
    String complaint = "INSERT INTO complaint (office_id, received_at, channel, summary, responsible_id, closed_on, "
        + "recorded_by, recorded_at) VALUES ($1, $2, 'phone', '苦情', $3, $4, $3, now())";
    sql(complaint, office, jst("2026-02-01T09:00"), staff, java.time.LocalDate.parse("2026-02-10"));
    sql(complaint, office, jst("2026-03-31T23:59"), staff, null);

    report = chief.get("/api/reports/monthly?fy=2025").bodyAsJsonObject();
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  private JsonObject month(String ym) {
    return report.getJsonArray("months").stream().map(o -> (JsonObject) o)
        .filter(m -> m.getString("month").equals(ym)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("covers April to March in Japan time, boundary minutes on the right side")
  void months() {
    assertThat(report.getInteger("fiscalYear")).isEqualTo(2025);
    assertThat(report.getJsonArray("months").stream().map(o -> ((JsonObject) o).getString("month")))
        .containsExactly("2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11",
            "2025-12", "2026-01", "2026-02", "2026-03");
    assertThat(month("2025-04").getLong("newCases")).isEqualTo(1);
    assertThat(month("2025-05").getLong("newCases")).isEqualTo(1);
    assertThat(month("2025-06").getLong("newCases")).isEqualTo(1);
    assertThat(month("2026-03").getLong("newCases")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("byChannel").getLong("mail")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("byCategory").getLong("debt")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("byCategory").getLong("food")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("byUrgency").getLong("urgent")).isEqualTo(1);
  }

  @Test
  @DisplayName("counts a reopened case once and a merged one not at all")
  void reopenedAndMerged() {
    assertThat(month("2025-08").getLong("newCases")).isEqualTo(2);
    assertThat(month("2025-08").getJsonObject("closedByOutcome").getLong("no_response")).isZero();
    assertThat(month("2025-10").getLong("newCases")).isEqualTo(1);
    assertThat(month("2025-10").getJsonObject("closedByOutcome").getLong("other")).isZero();
  }

  @Test
  @DisplayName("counts handoffs and closings in the month they happened, and the median first response")
  void handoffsClosingsResponse() {
    assertThat(month("2025-08").getJsonObject("handoffs")).isEqualTo(new JsonObject()
        .put("appointment", 0L).put("outreach", 0L).put("referral", 1L));
    assertThat(month("2025-10").getJsonObject("handoffs")).isEqualTo(new JsonObject()
        .put("appointment", 1L).put("outreach", 1L).put("referral", 0L));
    assertThat(month("2025-09").getJsonObject("closedByOutcome").getLong("referred")).isEqualTo(1);
    assertThat(month("2025-09").getLong("newCases")).isZero();
    assertThat(month("2025-08").getDouble("medianFirstResponseMinutes")).isEqualTo(60.0);
    assertThat(month("2025-08").getJsonObject("byUrgency").getLong("crisis")).isEqualTo(1);
    assertThat(month("2025-08").getJsonObject("byCategory").getLong("suicide_risk")).isEqualTo(1);
  }

  @Test
  @DisplayName("shows a month with no cases as zeros")
  void emptyMonth() {
    JsonObject november = month("2025-11");
    assertThat(november.getLong("newCases")).isZero();
    assertThat(november.getJsonObject("byChannel").getLong("webchat")).isZero();
    assertThat(november.getJsonObject("byCategory").getLong("economic")).isZero();
    assertThat(november.getValue("medianFirstResponseMinutes")).isNull();
  }

  @Test
  @DisplayName("totals the year")
  void total() {
    JsonObject total = report.getJsonObject("total");
    assertThat(total.getLong("newCases")).isEqualTo(8);
    assertThat(total.getJsonObject("byChannel")).isEqualTo(new JsonObject().put("webchat", 4L).put("line", 1L).put("mail", 2L)
        .put("phone", 1L));
    assertThat(total.getJsonObject("handoffs").getLong("referral")).isEqualTo(2);
    assertThat(total.getJsonObject("closedByOutcome").getLong("referred")).isEqualTo(1);
    assertThat(total.getDouble("medianFirstResponseMinutes")).isEqualTo(60.0);
  }

  @Test
  @DisplayName("exports CSV: UTF-8 with BOM, header, twelve months and a total; Shift_JIS on request")
  void csv() {
    RunningGateway.StaffClient chief = running.client();
    chief.login("chief", "chief-password-1");
    HttpResponse<Buffer> utf8 = chief.get("/api/reports/monthly.csv?fy=2025");
    byte[] bytes = utf8.body().getBytes();
    assertThat(bytes[0] & 0xFF).isEqualTo(0xEF);
    String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    String[] lines = text.split("\r\n");
    assertThat(lines).hasSize(14);
    assertThat(lines[0]).startsWith("月,新規相談件数,経路_webchat,経路_line,経路_mail");
    assertThat(lines[1]).startsWith("2025-04,1,1,0,0");
    assertThat(lines[13]).startsWith("合計,8,4,1,2,1");
    assertThat(lines[0]).contains("相談経路_phone", "相談者_family", "紹介元_neighbour", "プラン作成件数", "評価実施件数",
        "苦情受付件数", "苦情終結件数", "フォロー_visit", "関係機関つなぎ_ハローワーク西");

    HttpResponse<Buffer> sjis = chief.get("/api/reports/monthly.csv?fy=2025&encoding=shift_jis");
    String decoded = new String(sjis.body().getBytes(), Charset.forName("windows-31j"));
    assertThat(decoded).startsWith("月,新規相談件数");
    assertThat(decoded).contains("経済的困窮");
    assertThat(running.staff("sato", Role.CONSULTANT).get("/api/reports/monthly?fy=2025").statusCode()).isEqualTo(403);
  }

  @Test
  @DisplayName("counts routes, who consulted and who sent them, milestones by the day done, complaints, contacts made and handoffs by agency")
  void cityFigures() {
    JsonObject january = month("2026-01");
    assertThat(january.getJsonObject("byRoute").getLong("phone")).isEqualTo(1);
    assertThat(january.getJsonObject("byRoute").getLong("webchat")).isZero();
    assertThat(january.getJsonObject("byConsulter").getLong("family")).isEqualTo(1);
    assertThat(january.getJsonObject("byReferralSource").getLong("neighbour")).isEqualTo(1);
    assertThat(january.getJsonObject("milestones").getLong("plan")).isEqualTo(1);
    assertThat(january.getJsonObject("followUps").getLong("phone_call")).isEqualTo(1);
    assertThat(january.getJsonObject("handoffsByAgency").getLong("ハローワーク西")).isEqualTo(1);
    assertThat(month("2026-02").getJsonObject("complaints")).isEqualTo(new JsonObject().put("received", 1L).put("closed", 1L));
    assertThat(month("2026-02").getJsonObject("followUps").getLong("visit")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("milestones").getLong("evaluation")).isEqualTo(1);
    assertThat(month("2026-03").getJsonObject("complaints").getLong("received")).isEqualTo(1);

    JsonObject total = report.getJsonObject("total");
    assertThat(total.getJsonObject("milestones")).isEqualTo(new JsonObject()
        .put("assessment", 0L).put("plan", 1L).put("replan", 0L).put("evaluation", 1L));
    assertThat(total.getJsonObject("complaints")).isEqualTo(new JsonObject().put("received", 2L).put("closed", 1L));
    assertThat(total.getJsonObject("byConsulter").getLong("unknown")).isEqualTo(7);
    assertThat(total.getJsonObject("byRoute").getLong("webchat")).isEqualTo(4);
  }
}
