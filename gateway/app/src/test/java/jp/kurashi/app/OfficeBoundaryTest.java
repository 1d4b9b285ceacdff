package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two offices on one deployment: staff of one see nothing of the other's cases, staff, audit log, agencies,
 * templates, complaints or live events, and every attempt at another office's case is refused and audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Office boundaries")
class OfficeBoundaryTest {

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private long suita;
  private long yodogawa;
  private RunningGateway.StaffClient suitaChief;
  private RunningGateway.StaffClient suitaAdmin;
  private RunningGateway.StaffClient yodoChief;
  private RunningGateway.StaffClient yodoAdmin;
  private long suitaCase;
  private long yodoCase;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    Path file = Files.createTempFile("offices", ".json");
    Files.writeString(file, """
        {"offices": [
          {"code": "suita", "profile": {"name": {"ja": "吹田市くらしの相談窓口"}}, "channels": {"webchat": {}}},
          {"code": "yodogawa", "profile": {"name": {"ja": "淀川区くらしの相談窓口"},
            "privacyNotice": {"version": "yodo-2", "ja": "淀川区の個人情報の取扱い", "en": "Yodogawa's privacy notice"}},
           "channels": {"webchat": {}}}
        ]}
        """, StandardCharsets.UTF_8);
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "OFFICES_FILE", file.toString()),
        RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    suita = Await.result(new OfficeStore(db.pool()).ensure("suita", "吹田市くらしの相談窓口"));
    yodogawa = Await.result(new OfficeStore(db.pool()).ensure("yodogawa", "淀川区くらしの相談窓口"));
    // The first office's admin is the bootstrap's; the second office's staff are made as its own admin would.
    suitaAdmin = running.client();
    suitaAdmin.login("admin", RunningGateway.ADMIN_PASSWORD);
    suitaChief = running.staff("suita-chief", Role.CHIEF);
    StaffStore staff = new StaffStore(db.pool(), running.clock);
    String hash = RunningGateway.LIGHT_HASHER.hash("yodogawa-password-1");
    Await.result(staff.create(yodogawa, "yodo-admin", "淀川 管理者", Role.ADMIN, hash, false));
    Await.result(staff.create(yodogawa, "yodo-chief", "淀川 所長", Role.CHIEF, hash, false));
    yodoAdmin = running.client();
    assertThat(yodoAdmin.login("yodo-admin", "yodogawa-password-1").statusCode()).isEqualTo(200);
    yodoChief = running.client();
    assertThat(yodoChief.login("yodo-chief", "yodogawa-password-1").statusCode()).isEqualTo(200);

    MessageStore messages = new MessageStore(db.pool(), running.clock);
    suitaCase = Await.result(messages.ingest(suita, new InboundMessage("webchat", "s-1", "chat-same", null,
        "家賃が払えず相談したいです", running.clock.instant()))).caseId();
    yodoCase = Await.result(messages.ingest(yodogawa, new InboundMessage("webchat", "s-1", "chat-same", null,
        "家賃が払えず相談したいです", running.clock.instant()))).caseId();
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  private static List<Long> ids(HttpResponse<Buffer> r, String field) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonArray items = r.bodyAsJsonObject().getJsonArray(field);
    List<Long> out = new ArrayList<>();
    items.forEach(o -> out.add(((JsonObject) o).getLong("id")));
    return out;
  }

  private long refusals(String login, long caseId) {
    return Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.staff_id "
        + "WHERE s.login = $1 AND a.case_id = $2 AND NOT a.allowed").execute(Tuple.of(login, caseId)))
        .iterator().next().getLong(0);
  }

  /** Refused attempts at a case of another office, which name it in the detail only. */
  private long probes(String login, long caseId) {
    return Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.staff_id "
        + "WHERE s.login = $1 AND a.case_id IS NULL AND (a.detail->>'caseId')::bigint = $2 AND NOT a.allowed")
        .execute(Tuple.of(login, caseId))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("the same identity writing to both offices is two cases, one in each office's queue and search")
  void queues() {
    assertThat(yodoCase).isNotEqualTo(suitaCase);
    assertThat(ids(suitaChief.get("/api/cases?status=open"), "items")).containsExactly(suitaCase);
    assertThat(ids(yodoChief.get("/api/cases?status=open"), "items")).containsExactly(yodoCase);
    assertThat(ids(yodoChief.get("/api/cases?q=%E5%AE%B6%E8%B3%83"), "items")).containsExactly(yodoCase);
    assertThat(ids(suitaChief.get("/api/cases?q=%E5%AE%B6%E8%B3%83"), "items")).containsExactly(suitaCase);
  }

  @Test
  @DisplayName("a chief reading, claiming or answering another office's case gets 404, is audited, and changes nothing")
  void otherOfficesCase() {
    assertThat(yodoChief.get("/api/cases/" + yodoCase).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> read = yodoChief.get("/api/cases/" + suitaCase);
    // 404 as for an id nobody uses (a 403 would tell which ids the other office has), audited with the id in the
    // detail only, so this office's audit log names no case of the other.
    assertThat(read.statusCode()).isEqualTo(404);
    assertThat(yodoChief.get("/api/cases/99999999").statusCode()).isEqualTo(404);
    assertThat(read.bodyAsString()).doesNotContain("家賃");
    assertThat(refusals("yodo-chief", suitaCase)).isZero();
    assertThat(probes("yodo-chief", suitaCase)).isPositive();

    assertThat(yodoChief.post("/api/cases/" + suitaCase + "/claim", new JsonObject(), true).statusCode()).isEqualTo(404);
    assertThat(yodoChief.post("/api/cases/" + suitaCase + "/replies", new JsonObject().put("text", "返信"), true)
        .statusCode()).isEqualTo(404);
    assertThat(yodoChief.get("/api/cases/" + suitaCase + "/messages?after=0").statusCode()).isEqualTo(404);
    assertThat(probes("yodo-chief", suitaCase)).isGreaterThanOrEqualTo(4);

    assertThat(Await.result(db.pool().preparedQuery("SELECT assignee_id IS NULL AND "
        + "(SELECT count(*) FROM message m WHERE m.case_id = c.id) = 1 FROM consultation_case c WHERE c.id = $1")
        .execute(Tuple.of(suitaCase))).iterator().next().getBoolean(0)).isTrue();

    // Counting through handoff ids: another office's handoff is as absent as an unused id, its case never named.
    HttpResponse<Buffer> handoff = suitaChief.post("/api/cases/" + suitaCase + "/handoffs",
        new JsonObject().put("kind", "outreach").put("message", "来週伺います").put("note", "来週訪問"), true);
    assertThat(handoff.statusCode()).as(handoff.bodyAsString()).isEqualTo(201);
    long handoffId = handoff.bodyAsJsonObject().getLong("id");
    assertThat(suitaChief.get("/api/handoffs/" + handoffId + "/summary").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> summary = yodoChief.get("/api/handoffs/" + handoffId + "/summary");
    assertThat(summary.statusCode()).isEqualTo(404);
    assertThat(summary.bodyAsJsonObject().getString("message")).isEqualTo("handoff " + handoffId + " not found");
    assertThat(yodoChief.get("/api/handoffs/99999999/summary").bodyAsJsonObject().getString("message"))
        .isEqualTo("handoff 99999999 not found");
  }

  @Test
  @DisplayName("staff lists, the audit log, agencies, templates and complaints are each office's own")
  void officeLists() {
    HttpResponse<Buffer> staffList = yodoAdmin.get("/api/staff");
    assertThat(staffList.statusCode()).isEqualTo(200);
    assertThat(staffList.bodyAsString()).contains("yodo-chief").doesNotContain("suita-chief").doesNotContain("\"login\":\"admin\"");

    suitaChief.get("/api/cases/" + suitaCase);
    HttpResponse<Buffer> audit = yodoChief.get("/api/audit");
    assertThat(audit.statusCode()).isEqualTo(200);
    assertThat(audit.bodyAsString()).doesNotContain("suita-chief").doesNotContain("\"caseId\":" + suitaCase + ",");

    assertThat(suitaAdmin.post("/api/agencies", new JsonObject().put("name", "吹田市社会福祉協議会").put("kind", "council"),
        true).statusCode()).isEqualTo(201);
    assertThat(suitaAdmin.get("/api/agencies").bodyAsString()).contains("吹田市社会福祉協議会");
    assertThat(yodoAdmin.get("/api/agencies").bodyAsString()).doesNotContain("吹田市社会福祉協議会");
    assertThat(suitaAdmin.post("/api/templates", new JsonObject().put("title", "吹田の案内").put("body", "吹田の窓口は…"),
        true).statusCode()).isIn(200, 201);
    assertThat(yodoChief.get("/api/templates").bodyAsString()).doesNotContain("吹田の案内");

    HttpResponse<Buffer> complaint = suitaChief.post("/api/complaints", new JsonObject()
        .put("receivedAt", running.clock.instant().toString()).put("channel", "walk_in").put("summary", "吹田での苦情"), true);
    assertThat(complaint.statusCode()).isEqualTo(201);
    long complaintId = complaint.bodyAsJsonObject().getLong("id");
    assertThat(yodoChief.get("/api/complaints").bodyAsString()).doesNotContain("吹田での苦情");
    assertThat(yodoChief.patch("/api/complaints/" + complaintId, new JsonObject().put("response", "淀川から"))
        .statusCode()).isIn(403, 404);

    // The triage rules are one for the deployment: another office's chief replacing them changes this office's
    // triage, so the change is in this office's audit log too, without who did it or from where.
    String rules = suitaChief.get("/api/triage/rules").bodyAsJsonObject().getString("rules");
    assertThat(suitaChief.send(io.vertx.core.http.HttpMethod.PUT, "/api/triage/rules",
        new JsonObject().put("rules", rules + "\n[food urgent]\nおなかぺこぺこ\n"), true).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> seen = yodoChief.get("/api/audit");
    assertThat(seen.bodyAsString()).doesNotContain("suita-chief");
    assertThat(seen.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(r -> "triage.rules.write".equals(r.getString("action"))))
        .singleElement().satisfies(r -> {
          assertThat(r.getString("login")).isNull();
          assertThat(r.getString("remoteAddr")).isNull();
        });
  }

  @Test
  @DisplayName("consent is judged against the privacy notice of the case's own office")
  void consentPerOffice() {
    var contacts = new jp.kurashi.core.store.ContactStore(db.pool(), running.clock);
    Await.result(contacts.recordConsent(yodogawa, "webchat", "chat-same", "yodo-2", "ja"));
    Await.result(contacts.recordConsent(suita, "webchat", "chat-same", "yodo-2", "ja"));
    assertThat(yodoChief.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getJsonObject("consent").getString("state")).isEqualTo("given");
    assertThat(suitaChief.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").getJsonObject(0)
        .getJsonObject("consent").getString("state")).isEqualTo("outdated");
  }

  @Test
  @DisplayName("the console's header names the caller's office")
  void header() {
    JsonObject yodo = yodoChief.get("/api/meta").bodyAsJsonObject().getJsonObject("office");
    assertThat(yodo.getString("code")).isEqualTo("yodogawa");
    assertThat(yodo.getString("name")).isEqualTo("淀川区くらしの相談窓口");
    assertThat(suitaChief.get("/api/meta").bodyAsJsonObject().getJsonObject("office").getString("name"))
        .isEqualTo("吹田市くらしの相談窓口");
    // Each office's own channels: one web chat each, not both offices'.
    assertThat(yodoChief.get("/api/channels").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
  }

  @Test
  @DisplayName("live events of one office's cases reach only that office's staff")
  void liveEvents() {
    try (LiveEventsStream suitaLive = LiveEventsStream.open(vertx, running.gateway.httpPort(), suitaChief.cookie);
         LiveEventsStream yodoLive = LiveEventsStream.open(vertx, running.gateway.httpPort(), yodoChief.cookie)) {
      HttpResponse<Buffer> note = yodoChief.post("/api/cases/" + yodoCase + "/claim", new JsonObject(), true);
      assertThat(note.statusCode()).isEqualTo(200);
      Await.until(Duration.ofSeconds(10), "the office's own event", () -> yodoLive.events.stream()
          .anyMatch(e -> e.getLong("caseId", -1L) == yodoCase));
      // The other office's stream got nothing of it in the same time (the bus delivers both in order).
      HttpResponse<Buffer> own = suitaChief.post("/api/cases/" + suitaCase + "/claim", new JsonObject(), true);
      assertThat(own.statusCode()).isEqualTo(200);
      Await.until(Duration.ofSeconds(10), "suita's own event", () -> suitaLive.events.stream()
          .anyMatch(e -> e.getLong("caseId", -1L) == suitaCase));
      assertThat(suitaLive.events).noneMatch(e -> e.getLong("caseId", -1L) == yodoCase);
      assertThat(yodoLive.events).noneMatch(e -> e.getLong("caseId", -1L) == suitaCase);
    }
  }
}
