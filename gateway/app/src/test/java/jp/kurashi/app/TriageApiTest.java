package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Triage through the gateway")
class TriageApiTest {

  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url));
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private RunningGateway.StaffClient chief() {
    return running.chief();
  }

  @Test
  @DisplayName("shows which words triggered which category, and stores a staff correction")
  void explainAndCorrect() {
    IngestResult in = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m1", "chat-1", null,
        "仕事をクビになって家賃が払えません", running.clock.instant())));
    RunningGateway.StaffClient chief = chief();
    Await.until(Duration.ofSeconds(15), "triaged", () -> !chief.get("/api/cases/" + in.caseId()).bodyAsJsonObject()
        .getJsonArray("triage").isEmpty());

    JsonObject detail = chief.get("/api/cases/" + in.caseId()).bodyAsJsonObject();
    assertThat(detail.getJsonArray("categories")).contains("job_seeking", "arrears");
    JsonArray matched = detail.getJsonArray("triage").getJsonObject(0).getJsonArray("matched");
    assertThat(matched.stream().map(m -> ((JsonObject) m).getString("category"))).contains("job_seeking", "arrears");

    HttpResponse<Buffer> corrected = chief.post("/api/cases/" + in.caseId() + "/triage",
        new JsonObject().put("categories", new JsonArray().add("job_seeking").add("economic")).put("urgency", "urgent"), true);
    assertThat(corrected.statusCode()).isEqualTo(200);
    JsonObject after = chief.get("/api/cases/" + in.caseId()).bodyAsJsonObject();
    assertThat(after.getJsonArray("categories")).containsExactly("job_seeking", "economic");
    assertThat(after.getString("urgency")).isEqualTo("urgent");
    long stored = Await.result(db.pool().query("SELECT count(*) FROM triage_correction").execute()).iterator().next().getLong(0);
    assertThat(stored).isEqualTo(1);
    assertThat(chief.post("/api/cases/" + in.caseId() + "/triage",
        new JsonObject().put("categories", new JsonArray().add("nonsense")).put("urgency", "urgent"), true).statusCode())
        .isEqualTo(400);
  }

  @Test
  @DisplayName("lets the chief replace the rules, refuses a broken file with its line, and keeps the old rules")
  void rules() {
    RunningGateway.StaffClient chief = chief();
    String current = chief.get("/api/triage/rules").bodyAsJsonObject().getString("rules");
    assertThat(current).contains("[suicide_risk crisis]");

    HttpResponse<Buffer> refused = Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
        .put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/rules")
        .putHeader("Cookie", chiefCookie(chief)).putHeader("X-CSRF-Token", chief.csrf)
        .sendJsonObject(new JsonObject().put("rules", "[food urgent]\n食べるものがない\n[nope normal]\nx\n")));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.bodyAsJsonObject().getInteger("line")).isEqualTo(3);
    assertThat(chief.get("/api/triage/rules").bodyAsJsonObject().getString("rules")).isEqualTo(current);

    HttpResponse<Buffer> saved = Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
        .put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/rules")
        .putHeader("Cookie", chiefCookie(chief)).putHeader("X-CSRF-Token", chief.csrf)
        .sendJsonObject(new JsonObject().put("rules", current + "\n[food urgent]\nおなかぺこぺこ\n")));
    assertThat(saved.statusCode()).isEqualTo(200);
    assertThat(chief.get("/api/triage/rules").bodyAsJsonObject().getString("rules")).contains("おなかぺこぺこ");

    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    assertThat(admin.get("/api/triage/rules").statusCode()).isEqualTo(200);
    // The administrator reads no consultations: a rule of their own (a name as a category) would tell them from the
    // queue's categories who wrote it, so only the chief replaces the rules.
    HttpResponse<Buffer> byAdmin = Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
        .put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/rules")
        .putHeader("Cookie", admin.cookie).putHeader("X-CSRF-Token", admin.csrf)
        .sendJsonObject(new JsonObject().put("rules", current + "\n[debt normal]\n山田\n")));
    assertThat(byAdmin.statusCode()).isEqualTo(403);
    assertThat(chief.get("/api/triage/rules").bodyAsJsonObject().getString("rules")).doesNotContain("山田");
  }

  private static String chiefCookie(RunningGateway.StaffClient chief) {
    return chief.cookie;
  }

  @Test
  @DisplayName("the triage command reads JSON lines and writes one result per line")
  void cli() {
    String input = "{\"id\":\"a\",\"text\":\"3日何も食べていない\"}\n{\"id\":\"b\",\"text\":\"死にたい\"}\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = TriageCli.run(List.of("triage"), new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));

    assertThat(status).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(new JsonObject(lines.get(0)).getString("urgency")).isEqualTo("urgent");
    assertThat(new JsonObject(lines.get(0)).getJsonArray("categories")).contains("food");
    assertThat(new JsonObject(lines.get(1)).getString("urgency")).isEqualTo("crisis");
  }
}
