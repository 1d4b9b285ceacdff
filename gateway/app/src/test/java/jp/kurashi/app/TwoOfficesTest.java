package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One gateway serving two offices from OFFICES_FILE, each with its own LINE channel (its own secret, token and
 * webhook path) and web chat path: the same LINE user writing to both is two cases, each office's staff see only
 * theirs, and replies leave through the office's own LINE channel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Two offices on one gateway")
class TwoOfficesTest {

  private static final String SUITA_SECRET = "suita-line-secret";
  private static final String YODO_SECRET = "yodogawa-line-secret";

  private Vertx vertx;
  private FakeLine suitaLine;
  private FakeLine yodoLine;
  private RunningGateway running;
  private Database db;
  private long yodogawa;
  private RunningGateway.StaffClient suitaChief;
  private RunningGateway.StaffClient yodoChief;
  private Path dataDir;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    suitaLine = new FakeLine(vertx, "吹田の利用者");
    yodoLine = new FakeLine(vertx, "淀川の利用者");
    String url = TestDatabases.migrated();
    Path file = Files.createTempFile("offices", ".json");
    Files.writeString(file, """
        {"offices": [
          {"code": "suita", "profile": {"name": {"ja": "吹田市くらしの相談窓口"}},
           "channels": {"webchat": {"WEBCHAT_FRAME_ANCESTORS": "https://www.city.suita.example.jp"},
                        "line": {"LINE_CHANNEL_SECRET": "%s", "LINE_CHANNEL_ACCESS_TOKEN": "suita-token",
                                 "LINE_API_BASE_URL": "%s", "LINE_DATA_API_BASE_URL": "%s"}}},
          {"code": "yodogawa", "profile": {"name": {"ja": "淀川区くらしの相談窓口"}},
           "channels": {"webchat": {"WEBCHAT_FRAME_ANCESTORS": "https://www.city.yodogawa.example.jp"},
                        "line": {"LINE_CHANNEL_SECRET": {"env": "YODOGAWA_LINE_SECRET"},
                                 "LINE_CHANNEL_ACCESS_TOKEN": {"env": "YODOGAWA_LINE_TOKEN"},
                                 "LINE_API_BASE_URL": "%s", "LINE_DATA_API_BASE_URL": "%s"}}}
        ]}
        """.formatted(SUITA_SECRET, suitaLine.baseUrl(), suitaLine.baseUrl(), yodoLine.baseUrl(), yodoLine.baseUrl()),
        StandardCharsets.UTF_8);
    dataDir = Files.createTempDirectory("two-offices");
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "OFFICES_FILE", file.toString(),
        "YODOGAWA_LINE_SECRET", YODO_SECRET, "YODOGAWA_LINE_TOKEN", "yodogawa-token", "DATA_DIR", dataDir.toString()),
        RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    yodogawa = Await.result(new OfficeStore(db.pool()).ensure("yodogawa", "淀川区くらしの相談窓口"));
    suitaChief = running.staff("suita-chief", Role.CHIEF);
    Await.result(new StaffStore(db.pool(), running.clock).create(yodogawa, "yodo-chief", "淀川 所長", Role.CHIEF,
        RunningGateway.LIGHT_HASHER.hash("yodogawa-password-1"), false));
    yodoChief = running.client();
    assertThat(yodoChief.login("yodo-chief", "yodogawa-password-1").statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    running.close();
    suitaLine.close();
    yodoLine.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  private int post(String path, String secret, JsonObject event) throws Exception {
    FakeLine.Signed signed = FakeLine.signedCallback(secret, event);
    return Await.result(WebClient.create(vertx).post(running.gateway.httpPort(), "127.0.0.1", path)
        .putHeader("X-Line-Signature", signed.signature()).sendBuffer(Buffer.buffer(signed.body()))).statusCode();
  }

  private static JsonObject text(String eventId, String userId, String text) {
    return FakeLine.event("message", eventId, userId)
        .put("message", new JsonObject().put("type", "text").put("id", eventId).put("text", text).put("quoteToken", "q"));
  }

  private static JsonArray open(RunningGateway.StaffClient chief) {
    HttpResponse<Buffer> r = chief.get("/api/cases?status=open");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items");
  }

  private long count(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("the same LINE user writing to both offices' webhooks is two cases, each seen only by its office; "
      + "replies go out on the office's own LINE channel")
  void sameUserTwoOffices() throws Exception {
    assertThat(post("/webhook/line/suita", SUITA_SECRET, text("ev-s1", "Usame", "吹田で家賃の相談です"))).isEqualTo(200);
    assertThat(post("/webhook/line/yodogawa", YODO_SECRET, text("ev-y1", "Usame", "淀川で家賃の相談です"))).isEqualTo(200);

    JsonArray suitaCases = open(suitaChief);
    JsonArray yodoCases = open(yodoChief);
    assertThat(suitaCases).hasSize(1);
    assertThat(yodoCases).hasSize(1);
    long suitaCase = suitaCases.getJsonObject(0).getLong("id");
    long yodoCase = yodoCases.getJsonObject(0).getLong("id");
    assertThat(suitaCase).isNotEqualTo(yodoCase);
    assertThat(count("SELECT count(*) FROM contact WHERE channel = 'line' AND external_id = 'Usame'")).isEqualTo(2L);
    assertThat(suitaChief.get("/api/cases/" + suitaCase).bodyAsString()).contains("吹田で家賃").doesNotContain("淀川で家賃");
    assertThat(suitaChief.get("/api/cases/" + yodoCase).statusCode()).isIn(403, 404);
    assertThat(yodoChief.get("/api/cases/" + suitaCase).statusCode()).isIn(403, 404);

    assertThat(suitaChief.post("/api/cases/" + suitaCase + "/claim", new JsonObject(), true).statusCode()).isEqualTo(200);
    assertThat(suitaChief.post("/api/cases/" + suitaCase + "/replies", new JsonObject().put("text", "吹田の窓口からの返信です"),
        true).statusCode()).isIn(200, 201, 202);
    Await.until(Duration.ofSeconds(15), "the reply pushed on suita's channel", () -> suitaLine.pushes.stream()
        .anyMatch(p -> p.encode().contains("吹田の窓口からの返信です")));
    assertThat(yodoLine.pushes).noneMatch(p -> p.encode().contains("吹田の窓口からの返信です"));
  }

  @Test
  @DisplayName("the second office gets its own first administrator, who creates staff in that office only")
  void secondOfficesAdmin() throws Exception {
    Path file = dataDir.resolve("initial-admin-password-yodogawa");
    assertThat(file).exists();
    String password = Files.readString(file).strip();
    RunningGateway.StaffClient admin = running.client();
    HttpResponse<Buffer> login = admin.login("admin-yodogawa", password);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.bodyAsJsonObject().getString("pending")).isNotNull();
    assertThat(admin.post("/api/password", new JsonObject().put("current", password)
        .put("new", "yodogawa-admin-password-2"), true).statusCode()).isEqualTo(204);
    assertThat(admin.post("/api/staff", new JsonObject().put("login", "yodo-sato").put("password", "yodo-sato-from-admin")
        .put("role", "consultant").put("displayName", "佐藤"), true).statusCode()).isEqualTo(201);
    assertThat(count("SELECT count(*) FROM staff WHERE login = 'yodo-sato' AND office_id = $1", yodogawa)).isEqualTo(1L);
    assertThat(count("SELECT count(*) FROM staff WHERE login = 'admin-yodogawa' AND office_id = $1", yodogawa))
        .isEqualTo(1L);
    // The first office's admin is the one GATEWAY_ADMIN_PASSWORD names; no other office has an "admin-suita".
    assertThat(count("SELECT count(*) FROM staff WHERE login = 'admin-suita'")).isZero();
  }

  @Test
  @DisplayName("a webhook signed with one office's secret is refused at the other's path, and nothing is stored")
  void wrongOfficesSecret() throws Exception {
    long before = count("SELECT count(*) FROM message");
    assertThat(post("/webhook/line/yodogawa", SUITA_SECRET, text("ev-x1", "Ucross", "別の窓口宛て"))).isIn(401, 403);
    assertThat(post("/webhook/line/suita", YODO_SECRET, text("ev-x2", "Ucross", "別の窓口宛て"))).isIn(401, 403);
    // Without OFFICES_FILE's code there is no LINE webhook.
    assertThat(post("/webhook/line", SUITA_SECRET, text("ev-x3", "Ucross", "別の窓口宛て"))).isEqualTo(404);
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(before);
    assertThat(count("SELECT count(*) FROM contact WHERE external_id = 'Ucross'")).isZero();
  }

  @Test
  @DisplayName("/health reports each office's LINE channel on its own, so one office's outage is not hidden")
  void healthPerOffice() {
    long suita = count("SELECT id FROM office WHERE code = 'suita'");
    JsonObject channels = new JsonObject(Await.result(WebClient.create(vertx)
        .get(running.gateway.httpPort(), "127.0.0.1", "/health").send()).bodyAsString()).getJsonObject("channels");
    assertThat(channels.fieldNames()).contains("line@" + suita, "line@" + yodogawa)
        .doesNotContain("line");
  }

  @Test
  @DisplayName("each office's web chat has its page and opens sessions of that office")
  void webChatPerOffice() {
    WebClient web = WebClient.create(vertx);
    HttpResponse<Buffer> page = Await.result(web.get(running.gateway.httpPort(), "127.0.0.1", "/chat/yodogawa").send());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("/webchat/chat.js");
    // Each office's page may be framed by its own sites only, and its config names them to its widget.
    assertThat(page.getHeader("Content-Security-Policy")).contains("frame-ancestors https://www.city.yodogawa.example.jp")
        .doesNotContain("suita");
    HttpResponse<Buffer> suitaPage = Await.result(web.get(running.gateway.httpPort(), "127.0.0.1", "/chat/suita").send());
    assertThat(suitaPage.getHeader("Content-Security-Policy")).contains("frame-ancestors https://www.city.suita.example.jp");
    assertThat(Await.result(web.get(running.gateway.httpPort(), "127.0.0.1", "/webchat/yodogawa/config").send())
        .bodyAsJsonObject().getJsonArray("embedOrigins")).containsExactly("https://www.city.yodogawa.example.jp");
    HttpResponse<Buffer> session = Await.result(web.post(running.gateway.httpPort(), "127.0.0.1",
        "/webchat/yodogawa/sessions").sendJsonObject(new JsonObject().put("language", "ja")));
    assertThat(session.statusCode()).isIn(200, 201);
    assertThat(count("SELECT count(*) FROM webchat_session WHERE office_id = $1", yodogawa)).isEqualTo(1L);
    HttpResponse<Buffer> config = Await.result(web.get(running.gateway.httpPort(), "127.0.0.1",
        "/webchat/suita/config?lang=ja").send());
    assertThat(config.statusCode()).isEqualTo(200);
    assertThat(config.bodyAsString()).contains("吹田市");
  }
}
