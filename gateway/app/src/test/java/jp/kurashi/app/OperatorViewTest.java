package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator (法人本部) across two offices: every office's queue counts and monthly figures, the combined report the
 * sum of the offices', and never a consultation: every content call is 403 and audited, and no response carries a
 * message or a resident's name. The second office and its cases are written straight into the database.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("The operator's view")
class OperatorViewTest {

  /** What residents wrote and who they are: none of it may reach the operator. */
  private static final List<String> SECRETS = List.of("借金の相談本文ひみつA", "死にたい気持ちの本文ひみつB",
      "家賃の相談本文ひみつC", "北の窓口への本文ひみつD", "北の窓口への本文ひみつE", "山田花子", "北川太郎");

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient operator;
  private RunningGateway.StaffClient chief;
  private RunningGateway.StaffClient kitaChief;
  private long defaultOffice;
  private long kitaOffice;
  private long operatorId;
  private long crisisCase;
  private Instant now;
  private int fy;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    now = running.clock.instant().truncatedTo(ChronoUnit.SECONDS);
    LocalDate today = LocalDate.ofInstant(now, ZoneId.of("Asia/Tokyo"));
    fy = today.getMonthValue() >= 4 ? today.getYear() : today.getYear() - 1;
    defaultOffice = one("SELECT id FROM office WHERE code = 'default'");
    kitaOffice = one("INSERT INTO office (code, name) VALUES ('kita', '北区くらしサポート') RETURNING id");

    chief = running.chief();
    // The admin creates the operator's account through the staff API, as any other account.
    operator = running.staff("honbu", Role.OPERATOR);
    operatorId = one("SELECT id FROM staff WHERE login = 'honbu'");
    kitaChief = staffOf(kitaOffice, "kita-chief", Role.CHIEF);
    long kitaStaff = one("SELECT id FROM staff WHERE login = 'kita-chief'");
    long staff = one("SELECT id FROM staff WHERE login = 'chief'");

    // The default office: a crisis waiting 3 h, a case staff answered, a case waiting 1 h, a closed case.
    crisisCase = seed(defaultOffice, "crisis", now.minus(Duration.ofHours(3)), "山田花子", SECRETS.get(1));
    long answered = seed(defaultOffice, "normal", now.minus(Duration.ofHours(2)), null, SECRETS.get(0));
    sql("INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at) "
        + "SELECT id, contact_id, channel, 'out', '返信です', $2, 'sent', $3 FROM consultation_case WHERE id = $1",
        answered, staff, now.minus(Duration.ofHours(1)).atOffset(java.time.ZoneOffset.UTC));
    seed(defaultOffice, "urgent", now.minus(Duration.ofHours(1)), null, SECRETS.get(2));
    long closed = seed(defaultOffice, "normal", now.minus(Duration.ofHours(4)), null, "おわった相談");
    sql("UPDATE consultation_case SET status = 'closed', outcome = 'other', closed_at = $2 WHERE id = $1", closed,
        now.atOffset(java.time.ZoneOffset.UTC));
    // The second office: a crisis waiting 5 h (the oldest of all) and an urgent case waiting 30 min.
    long kitaCrisis = seed(kitaOffice, "crisis", now.minus(Duration.ofHours(5)), "北川太郎", SECRETS.get(3));
    seed(kitaOffice, "urgent", now.minus(Duration.ofMinutes(30)), null, SECRETS.get(4));
    sql("INSERT INTO case_milestone (office_id, case_id, kind, done_on, recorded_by, recorded_at) "
        + "VALUES ($1, $2, 'plan', $3, $4, now())", kitaOffice, kitaCrisis, today, kitaStaff);
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  /** A case with one message from its resident at {@code at}, opened then. */
  private long seed(long office, String urgency, Instant at, String name, String body) {
    var when = at.atOffset(java.time.ZoneOffset.UTC);
    long contact = Await.result(db.pool().preparedQuery(
            "INSERT INTO contact (office_id, channel, external_id, display_name) VALUES ($1, 'webchat', $2, $3) RETURNING id")
        .execute(Tuple.of(office, "op-" + System.nanoTime(), name))).iterator().next().getLong(0);
    long id = Await.result(db.pool().preparedQuery("""
            INSERT INTO consultation_case (office_id, contact_id, channel, urgency, opened_at, last_message_at, last_inbound_at)
            VALUES ($1, $2, 'webchat', $3, $4, $4, $4) RETURNING id""")
        .execute(Tuple.of(office, contact, urgency, when))).iterator().next().getLong(0);
    sql("INSERT INTO message (case_id, contact_id, channel, direction, body, delivery, created_at) "
        + "VALUES ($1, $2, 'webchat', 'in', $3, 'received', $4)", id, contact, body, when);
    return id;
  }

  /** An account the admin creates, moved to {@code office} before its first login. */
  private RunningGateway.StaffClient staffOf(long office, String login, Role role) {
    long id = running.created(login, role);
    sql("UPDATE staff SET office_id = $1 WHERE id = $2", office, id);
    RunningGateway.StaffClient c = running.client();
    c.login(login, RunningGateway.initialPassword(login));
    assertThat(c.post("/api/password", new JsonObject().put("current", RunningGateway.initialPassword(login))
        .put("new", login + "-password-1"), true).statusCode()).isEqualTo(204);
    return c;
  }

  private long one(String sql) {
    return Await.result(db.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  private void sql(String sql, Object... params) {
    Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  private long refusals(long staffId) {
    return Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log WHERE staff_id = $1 AND NOT allowed")
        .execute(Tuple.of(staffId))).iterator().next().getLong(0);
  }

  private static void noContent(HttpResponse<Buffer> r) {
    String body = r.bodyAsString() == null ? "" : r.bodyAsString();
    SECRETS.forEach(secret -> assertThat(body).as("a response to the operator").doesNotContain(secret));
  }

  @Nested
  @DisplayName("the offices' overview")
  class Overview {

    @Test
    @DisplayName("gives every office's open, crisis and waiting counts and the oldest wait, and their total")
    void counts() {
      HttpResponse<Buffer> r = operator.get("/api/offices/overview");

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      noContent(r);
      JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
      assertThat(items).hasSize(2);
      JsonObject def = items.getJsonObject(0);
      JsonObject kita = items.getJsonObject(1);
      assertThat(def.getString("code")).isEqualTo("default");
      assertThat(def.getLong("open")).isEqualTo(3);
      assertThat(def.getLong("crisis")).isEqualTo(1);
      assertThat(def.getLong("waiting")).as("the case staff answered is not waiting").isEqualTo(2);
      assertThat(def.getLong("crisisWaiting")).isEqualTo(1);
      assertThat(Instant.parse(def.getString("oldestWaitingSince"))).isEqualTo(now.minus(Duration.ofHours(3)));
      assertThat(kita.getString("code")).isEqualTo("kita");
      assertThat(kita.getString("name")).isEqualTo("北区くらしサポート");
      assertThat(kita.getLong("open")).isEqualTo(2);
      assertThat(kita.getLong("crisis")).isEqualTo(1);
      assertThat(kita.getLong("waiting")).isEqualTo(2);
      assertThat(kita.getLong("crisisWaiting")).isEqualTo(1);
      assertThat(Instant.parse(kita.getString("oldestWaitingSince"))).isEqualTo(now.minus(Duration.ofHours(5)));
      JsonObject total = r.bodyAsJsonObject().getJsonObject("total");
      assertThat(total.getLong("open")).isEqualTo(5);
      assertThat(total.getLong("waiting")).isEqualTo(4);
      assertThat(total.getLong("crisisWaiting")).isEqualTo(2);
      assertThat(Instant.parse(total.getString("oldestWaitingSince"))).isEqualTo(now.minus(Duration.ofHours(5)));
    }

    @Test
    @DisplayName("is the operator's only: a chief is refused, audited")
    void chiefRefused() {
      long before = refusals(one("SELECT id FROM staff WHERE login = 'chief'"));

      assertThat(chief.get("/api/offices/overview").statusCode()).isEqualTo(403);
      assertThat(refusals(one("SELECT id FROM staff WHERE login = 'chief'"))).isEqualTo(before + 1);
    }
  }

  @Nested
  @DisplayName("the monthly report")
  class Reports {

    private JsonObject report(RunningGateway.StaffClient client, String office) {
      HttpResponse<Buffer> r = client.get("/api/reports/monthly?fy=" + fy + (office == null ? "" : "&office=" + office));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      noContent(r);
      return r.bodyAsJsonObject();
    }

    @Test
    @DisplayName("per office, each office's own figures; office=all is their sum, month by month")
    void combinedIsTheSum() {
      JsonObject def = report(operator, "default");
      JsonObject kita = report(operator, "kita");
      JsonObject all = report(operator, "all");

      assertThat(def.getJsonObject("total").getLong("newCases")).isEqualTo(4);
      assertThat(kita.getJsonObject("total").getLong("newCases")).isEqualTo(2);
      assertThat(kita.getJsonObject("total").getJsonObject("milestones").getLong("plan")).isEqualTo(1);
      assertThat(all.getJsonObject("office").getString("code")).isEqualTo("all");
      assertThat(kita.getJsonObject("office").getString("code")).isEqualTo("kita");
      assertSum(all.getJsonObject("total"), def.getJsonObject("total"), kita.getJsonObject("total"), "total");
      for (int i = 0; i < 12; i++) {
        assertSum(all.getJsonArray("months").getJsonObject(i), def.getJsonArray("months").getJsonObject(i),
            kita.getJsonArray("months").getJsonObject(i), "month " + i);
      }
      assertThat(report(operator, null).getJsonObject("total")).as("the operator's default is all")
          .isEqualTo(all.getJsonObject("total"));
    }

    /** Every count in {@code all} is the sum of the two offices' (medians are not sums, and are left out). */
    private void assertSum(JsonObject all, JsonObject a, JsonObject b, String where) {
      int counts = 0;
      for (String key : all.fieldNames()) {
        Object value = all.getValue(key);
        if (value instanceof JsonObject inner) {
          for (String k : inner.fieldNames()) {
            assertThat(inner.getLong(k)).as(where + " " + key + "." + k)
                .isEqualTo(a.getJsonObject(key).getLong(k, 0L) + b.getJsonObject(key).getLong(k, 0L));
            counts++;
          }
        } else if (key.equals("newCases")) {
          assertThat(all.getLong(key)).as(where + " " + key).isEqualTo(a.getLong(key) + b.getLong(key));
        }
      }
      assertThat(counts).as("figures compared").isGreaterThan(20);
    }

    @Test
    @DisplayName("the CSV of all offices downloads, named for them")
    void csvOfAll() {
      HttpResponse<Buffer> r = operator.get("/api/reports/monthly.csv?fy=" + fy + "&office=all");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Disposition")).contains("-all.csv");
      noContent(r);
      String total = r.bodyAsString().lines().filter(l -> l.startsWith("合計,")).findFirst().orElseThrow();
      assertThat(total).startsWith("合計,6,");
    }

    @Test
    @DisplayName("an unknown office code is 404")
    void unknownOffice() {
      assertThat(operator.get("/api/reports/monthly?fy=" + fy + "&office=nowhere").statusCode()).isEqualTo(404);
      assertThat(chief.get("/api/reports/monthly?fy=" + fy + "&office=nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    @DisplayName("a chief gets their own office by default, and is refused another office or all, audited")
    void chiefOwnOfficeOnly() {
      long chiefId = one("SELECT id FROM staff WHERE login = 'chief'");
      long before = refusals(chiefId);

      assertThat(report(chief, null).getJsonObject("office").getString("code")).isEqualTo("default");
      assertThat(report(chief, "default").getJsonObject("total").getLong("newCases")).isEqualTo(4);
      assertThat(report(kitaChief, null).getJsonObject("total").getLong("newCases")).isEqualTo(2);
      assertThat(chief.get("/api/reports/monthly?fy=" + fy + "&office=kita").statusCode()).isEqualTo(403);
      assertThat(chief.get("/api/reports/monthly?fy=" + fy + "&office=all").statusCode()).isEqualTo(403);
      assertThat(chief.get("/api/reports/monthly.csv?fy=" + fy + "&office=all").statusCode()).isEqualTo(403);
      assertThat(kitaChief.get("/api/reports/monthly?fy=" + fy + "&office=default").statusCode()).isEqualTo(403);
      assertThat(refusals(chiefId)).isEqualTo(before + 3);
    }
  }

  Stream<Object[]> contentCalls() {
    String c = "/api/cases/" + crisisCase;
    JsonObject text = new JsonObject().put("text", "返信");
    List<Object[]> calls = new ArrayList<>(List.of(
        new Object[] {"GET", "/api/cases?status=open", null},
        new Object[] {"GET", "/api/cases?status=closed", null},
        new Object[] {"GET", "/api/cases?q=%E5%B1%B1%E7%94%B0", null},
        new Object[] {"GET", c, null},
        new Object[] {"GET", c + "/messages?after=0", null},
        new Object[] {"GET", c + "/attachments/1", null},
        new Object[] {"GET", c + "/handoffs", null},
        new Object[] {"GET", c + "/milestones", null},
        new Object[] {"GET", c + "/contacts", null},
        new Object[] {"GET", "/api/handoffs/1/summary", null},
        new Object[] {"GET", "/api/audit", null},
        new Object[] {"GET", "/api/audit.csv", null},
        new Object[] {"GET", "/api/triage/corrections.jsonl", null},
        new Object[] {"GET", "/api/complaints", null},
        new Object[] {"GET", "/api/staff", null},
        new Object[] {"GET", "/api/events", null},
        new Object[] {"POST", c + "/replies", text},
        new Object[] {"POST", c + "/notes", text},
        new Object[] {"POST", c + "/claim", new JsonObject()},
        new Object[] {"POST", c + "/assign", new JsonObject().put("staffId", operatorId)},
        new Object[] {"POST", c + "/close", new JsonObject().put("outcome", "other")},
        new Object[] {"POST", "/api/cases", new JsonObject().put("route", "phone").put("consulter", "self")
            .put("text", "電話").put("at", Instant.now().toString())},
        new Object[] {"POST", "/api/staff", new JsonObject().put("login", "x").put("password", "long-enough-password")
            .put("role", "operator").put("displayName", "X")}));
    return calls.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("contentCalls")
  @DisplayName("every call on content or case work is 403 for the operator, audited, with no content in the answer")
  void contentRefused(String method, String path, JsonObject body) {
    long before = refusals(operatorId);

    HttpResponse<Buffer> r = method.equals("GET") ? operator.get(path) : operator.send(HttpMethod.valueOf(method), path, body, true);

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("operator_no_content");
    noContent(r);
    assertThat(refusals(operatorId)).as("the refusal is audited").isEqualTo(before + 1);
  }

  @Test
  @DisplayName("the texts looked for are what the chief reads in the same case (the check above can fail)")
  void secretsAreReal() {
    String read = chief.get("/api/cases/" + crisisCase).bodyAsString();

    assertThat(read).contains(SECRETS.get(1)).contains("山田花子");
  }

  @Test
  @DisplayName("the operator's session, the reference lists and the reports are open to it")
  void openCalls() {
    for (String path : List.of("/api/session", "/api/meta", "/api/categories", "/api/offices/overview",
        "/api/reports/monthly", "/api/reports/monthly.csv")) {
      HttpResponse<Buffer> r = operator.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      noContent(r);
    }
    assertThat(operator.get("/api/session").bodyAsJsonObject().getJsonObject("staff").getString("role"))
        .isEqualTo("operator");
  }
}
