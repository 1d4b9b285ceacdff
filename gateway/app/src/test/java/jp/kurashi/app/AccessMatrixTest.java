package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every role against every staff endpoint, with the status each must get. "mine" is a case assigned
 * to the consultant; "theirs" is assigned to another consultant. Refusals are 403 and audited. The operator
 * (法人本部) gets every office's counts and reports and nothing else.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Access matrix")
class AccessMatrixTest {

  private static final String METRICS_TOKEN = "matrix-metrics-token-0123456789";

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private final Map<String, RunningGateway.StaffClient> clients = new java.util.HashMap<>();
  private long mine;
  private long theirs;
  private long closed;
  private long otherOffice;
  private long mineFile;
  private long theirsFile;
  private long complaint;
  private long phone;
  private final Map<String, Long> staffIds = new java.util.HashMap<>();

  record Call(String method, String path, JsonObject body) {
  }

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "METRICS_TOKEN", METRICS_TOKEN));
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    clients.put("admin", admin);
    clients.put("chief", running.staff("chief", Role.CHIEF));
    clients.put("consultant", running.staff("sato", Role.CONSULTANT));
    running.staff("suzuki", Role.CONSULTANT);
    // The account the admin's account calls act on.
    running.staff("target", Role.CONSULTANT);
    clients.put("anonymous", running.client());
    clients.put("operator", running.staff("honbu", Role.OPERATOR));
    long office = Await.result(db.pool().query("SELECT id FROM office").execute()).iterator().next().getLong(0);
    Await.result(new WebchatStore(db.pool()).create(office, "h1", "chat-mine", "ja", running.clock.instant()));
    Await.result(new WebchatStore(db.pool()).create(office, "h2", "chat-theirs", "ja", running.clock.instant()));
    for (String login : List.of("admin", "sato", "target")) {
      staffIds.put(login, Await.result(db.pool().query("SELECT id FROM staff WHERE login = '" + login + "'").execute())
          .iterator().next().getLong(0));
    }
    mine = write("chat-mine");
    theirs = write("chat-theirs");
    closed = write("chat-closed");
    Await.result(db.pool().query("UPDATE consultation_case SET status = 'closed', outcome = 'other' WHERE id = " + closed)
        .execute());
    otherOffice = LinkedCasesAccessTest.otherOfficeCase(db);
    mineFile = file(mine, "chat-mine");
    theirsFile = file(theirs, "chat-theirs");
    Await.result(db.pool().query("UPDATE consultation_case SET assignee_id = (SELECT id FROM staff WHERE login = 'sato') WHERE id = "
        + mine).execute());
    Await.result(db.pool().query("UPDATE consultation_case SET assignee_id = (SELECT id FROM staff WHERE login = 'suzuki') WHERE id = "
        + theirs).execute());
    complaint = clients.get("chief").post("/api/complaints", new JsonObject().put("receivedAt",
        running.clock.instant().toString()).put("channel", "walk_in").put("summary", "窓口での苦情"), true)
        .bodyAsJsonObject().getLong("id");
    // A consultation the consultant took by phone: assigned to them, no channel to reply on.
    phone = clients.get("consultant").post("/api/cases", new JsonObject().put("route", "phone").put("consulter", "self")
        .put("text", "電話での相談").put("at", running.clock.instant().toString()), true).bodyAsJsonObject().getLong("id");
  }

  private long write(String contact) {
    IngestResult r = Await.result(running.gateway.pipeline().receive(
        new InboundMessage("webchat", contact + "-1", contact, null, "相談です", running.clock.instant())));
    return r.caseId();
  }

  /** A PDF from the resident in their case; returns the attachment's id. */
  private long file(long caseId, String contact) {
    Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", contact + "-file", contact, null,
        "書類です", running.clock.instant(), List.of(new jp.kurashi.core.domain.InboundAttachment("application/pdf",
            "書類.pdf", "%PDF-1.4".getBytes(java.nio.charset.StandardCharsets.US_ASCII))))));
    return Await.result(db.pool().query("SELECT a.id FROM attachment a JOIN message m ON m.id = a.message_id WHERE m.case_id = "
        + caseId).execute()).iterator().next().getLong(0);
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  /** role, method, path, expected status. */
  Stream<Object[]> matrix() {
    List<Object[]> rows = new ArrayList<>();
    String m = "{mine}";
    String o = "{theirs}";
    Object[][] table = {
        // path                                         admin  chief  consultant  anonymous  operator
        {"GET", "/api/cases?status=open", null,          200, 200, 200, 401, 403},
        {"GET", "/api/cases?status=open&limit=1", null,  200, 200, 200, 401, 403},
        {"GET", "/api/cases?status=open&limit=501", null, 400, 400, 400, 401, 403},
        {"GET", "/api/cases?status=open&after=Zm9vYmFy", null, 400, 400, 400, 401, 403},
        {"GET", "/api/cases/" + m, null,                 403, 200, 200, 401, 403},
        {"GET", "/api/cases?q=%E7%9B%B8%E8%AB%87", null, 403, 200, 200, 401, 403},
        {"GET", "/api/cases/" + o, null,                 403, 200, 403, 401, 403},
        // Following a case this login opened (the reads just above): new messages, no new audit row.
        {"GET", "/api/cases/" + m + "/messages?after=0", null, 403, 200, 200, 401, 403},
        {"GET", "/api/cases/" + o + "/messages?after=0", null, 403, 200, 403, 401, 403},
        {"PUT", "/api/cases/" + m + "/accommodation", "{\"needs\":[\"furigana\"]}", 403, 200, 200, 401, 403},
        {"POST", "/api/cases/" + m + "/replies", "{\"text\":\"返信\"}", 403, 202, 202, 401, 403},
        {"POST", "/api/cases/" + o + "/replies", "{\"text\":\"返信\"}", 403, 202, 403, 401, 403},
        {"POST", "/api/cases/" + m + "/notes", "{\"text\":\"メモ\"}", 403, 201, 201, 401, 403},
        {"POST", "/api/cases/" + o + "/notes", "{\"text\":\"メモ\"}", 403, 201, 403, 401, 403},
        {"POST", "/api/cases/" + o + "/claim", "{}",     403, 409, 409, 401, 403},
        {"POST", "/api/cases/{closed}/claim", "{}",      403, 409, 409, 401, 403},
        {"POST", "/api/cases/{otherOffice}/claim", "{}", 403, 404, 404, 401, 403},
        {"GET", "/api/cases/" + m + "/attachments/{mineFile}", null, 403, 200, 200, 401, 403},
        {"GET", "/api/cases/" + o + "/attachments/{theirsFile}", null, 403, 200, 403, 401, 403},
        {"POST", "/api/cases/" + m + "/assign", "{\"staffId\":{sato}}", 403, 200, 403, 401, 403},
        {"POST", "/api/cases/" + m + "/assign", "{\"staffId\":{admin}}", 403, 422, 403, 401, 403},
        {"POST", "/api/cases/" + o + "/triage", "{\"categories\":[\"debt\"],\"urgency\":\"normal\"}", 403, 200, 403, 401, 403},
        {"POST", "/api/cases/" + o + "/handoffs", "{\"kind\":\"outreach\",\"message\":\"訪問します\"}", 403, 201, 403, 401, 403},
        {"GET", "/api/cases/" + o + "/handoffs", null,   403, 200, 403, 401, 403},
        {"POST", "/api/cases/" + o + "/complaint", "{\"complaint\":true}", 403, 200, 403, 401, 403},
        {"GET", "/api/audit?caseId=" + m, null,          403, 200, 403, 401, 403},
        {"GET", "/api/audit.csv", null,                  403, 200, 403, 401, 403},
        {"GET", "/api/staff", null,                      200, 200, 403, 401, 403},
        {"POST", "/api/staff", "{\"login\":\"x{role}\",\"password\":\"long-enough-password\",\"role\":\"consultant\",\"displayName\":\"X\"}", 201, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/deactivate", "{}",  204, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/reactivate", "{}",  204, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/role", "{\"role\":\"consultant\"}", 200, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/unlock", "{}",      204, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/password-reset", "{}", 200, 403, 403, 401, 403},
        {"POST", "/api/staff/{target}/totp-reset", "{}",  204, 403, 403, 401, 403},
        {"POST", "/api/staff/999999/deactivate", "{}",    404, 403, 403, 401, 403},
        {"GET", "/api/agencies", null,                   200, 200, 200, 401, 403},
        {"POST", "/api/agencies", "{\"name\":\"新しい機関 {role}\",\"kind\":\"other\"}", 201, 403, 403, 401, 403},
        {"GET", "/api/templates", null,                  200, 200, 200, 401, 403},
        {"POST", "/api/templates", "{\"title\":\"t {role}\",\"body\":\"b\"}", 201, 403, 403, 401, 403},
        {"GET", "/api/triage/rules", null,               200, 200, 403, 401, 403},
        {"GET", "/api/triage/model", null,               200, 200, 403, 401, 403},
        {"GET", "/api/triage/corrections.jsonl", null,   403, 200, 403, 401, 403},
        {"GET", "/api/channels", null,                   200, 200, 200, 401, 403},
        {"GET", "/api/categories", null,                 200, 200, 200, 401, 200},
        {"GET", "/api/meta", null,                       200, 200, 200, 401, 200},
        {"POST", "/api/cases/" + o + "/milestones", "{\"kind\":\"plan\",\"on\":\"{today}\"}", 403, 201, 403, 401, 403},
        {"GET", "/api/cases/" + o + "/milestones", null, 403, 200, 403, 401, 403},
        {"PUT", "/api/cases/" + o + "/accommodation", "{\"needs\":[\"writing\"]}", 403, 200, 403, 401, 403},
        {"GET", "/api/complaints", null,                 403, 200, 200, 401, 403},
        {"POST", "/api/complaints", "{\"receivedAt\":\"{now}\",\"channel\":\"phone\",\"summary\":\"対応への苦情\"}", 403, 201, 201, 401, 403},
        {"POST", "/api/complaints", "{\"caseId\":" + o + ",\"receivedAt\":\"{now}\",\"channel\":\"phone\",\"summary\":\"苦情\"}", 403, 201, 403, 401, 403},
        {"PATCH", "/api/complaints/{complaint}", "{\"response\":\"お詫びと説明をしました\"}", 403, 200, 403, 401, 403},
        {"POST", "/api/cases", "{\"route\":\"phone\",\"consulter\":\"self\",\"text\":\"電話相談\",\"at\":\"{now}\"}", 403, 201, 201, 401, 403},
        {"GET", "/api/cases?followUp=due", null,         200, 200, 200, 401, 403},
        {"POST", "/api/cases/{phone}/replies", "{\"text\":\"返信\"}", 403, 409, 409, 401, 403},
        {"PUT", "/api/cases/" + m + "/route", "{\"consulter\":\"family\"}", 403, 200, 200, 401, 403},
        {"PUT", "/api/cases/" + o + "/route", "{\"consulter\":\"family\"}", 403, 200, 403, 401, 403},
        {"POST", "/api/cases/" + o + "/contacts", "{\"kind\":\"visit\",\"at\":\"{now}\"}", 403, 201, 403, 401, 403},
        {"POST", "/api/cases/{phone}/contacts", "{\"kind\":\"phone_call\",\"at\":\"{now}\"}", 403, 201, 201, 401, 403},
        {"GET", "/api/cases/" + o + "/contacts", null,   403, 200, 403, 401, 403},
        {"PUT", "/api/cases/" + o + "/follow-up", "{\"on\":null}", 403, 200, 403, 401, 403},
        {"PUT", "/api/cases/{phone}/follow-up", "{\"on\":null}", 403, 200, 200, 401, 403},
        {"GET", "/api/events", null,                     200, 200, 200, 401, 403},
        // METRICS_TOKEN is set: a staff session is not the scrape token (that gets 200: metricsBearer).
        // The operator (法人本部): counts and reports of every office, nothing else (OperatorGate).
        {"GET", "/api/offices/overview", null,           403, 403, 403, 401, 200},
        {"GET", "/api/reports/monthly", null,            200, 200, 403, 401, 200},
        {"GET", "/api/reports/monthly?office=other", null, 403, 403, 403, 401, 200},
        {"GET", "/api/reports/monthly?office=all", null, 403, 403, 403, 401, 200},
        {"GET", "/api/reports/monthly.csv?office=all", null, 403, 403, 403, 401, 200},
        {"GET", "/metrics", null,                        401, 401, 401, 401, 401},
    };
    String[] roles = {"admin", "chief", "consultant", "anonymous", "operator"};
    for (Object[] row : table) {
      for (int i = 0; i < roles.length; i++) {
        rows.add(new Object[] {roles[i], row[0], row[1], row[2], row[3 + i]});
      }
    }
    return rows.stream();
  }

  private String fill(String template) {
    String out = template.replace("{mine}", String.valueOf(mine)).replace("{theirs}", String.valueOf(theirs))
        .replace("{closed}", String.valueOf(closed)).replace("{otherOffice}", String.valueOf(otherOffice))
        .replace("{mineFile}", String.valueOf(mineFile)).replace("{theirsFile}", String.valueOf(theirsFile))
        .replace("{complaint}", String.valueOf(complaint)).replace("{phone}", String.valueOf(phone));
    for (Map.Entry<String, Long> staff : staffIds.entrySet()) {
      out = out.replace("{" + staff.getKey() + "}", String.valueOf(staff.getValue()));
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {4}")
  @MethodSource("matrix")
  @DisplayName("each role gets the expected status")
  void access(String role, String method, String path, String body, int expected) {
    RunningGateway.StaffClient client = clients.get(role);
    String realPath = fill(path);
    if (path.equals("/api/events") && client.cookie != null) {
      // A stream the server accepted stays open: only its status is read, then it is closed.
      LiveEventsStream stream = LiveEventsStream.attempt(vertx, running.gateway.httpPort(), client.cookie);
      stream.close();
      assertThat(stream.status).isEqualTo(expected);
      return;
    }
    HttpResponse<Buffer> r;
    if (method.equals("GET")) {
      r = client.get(realPath);
    } else {
      String json = body == null ? "{}" : fill(body).replace("{role}", role).replace("{now}", running.clock.instant().toString())
          .replace("{today}", java.time.LocalDate.now(running.clock.withZone(java.time.ZoneId.of("Asia/Tokyo"))).toString());
      r = client.send(io.vertx.core.http.HttpMethod.valueOf(method), realPath, new JsonObject(json), true);
    }
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(expected);
    if (expected == 403 && !role.equals("anonymous")) {
      long refused = Await.result(db.pool().query("SELECT count(*) FROM audit_log WHERE allowed = false").execute())
          .iterator().next().getLong(0);
      assertThat(refused).as("refusals are audited").isPositive();
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("metricsCredentials")
  @DisplayName("GET /metrics with METRICS_TOKEN set: only the bearer token opens it")
  void metricsBearer(String authorization, int expected) {
    var req = WebClient.create(vertx).get(running.gateway.httpPort(), "127.0.0.1", "/metrics");
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    assertThat(Await.result(req.send()).statusCode()).isEqualTo(expected);
  }

  Stream<Object[]> metricsCredentials() {
    return Stream.of(new Object[] {null, 401}, new Object[] {"Bearer wrong-token-0123456789", 401},
        new Object[] {"Bearer " + METRICS_TOKEN, 200});
  }
}
