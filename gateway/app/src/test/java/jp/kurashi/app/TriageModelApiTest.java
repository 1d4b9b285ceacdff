package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.TriageModelStore;
import jp.kurashi.core.triage.LabelledMessage;
import jp.kurashi.core.triage.TriageCorpus;
import jp.kurashi.core.triage.TriageModel;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageModelRefresh;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.triage.TriageTrainer;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Learning from staff: corrections export and model install")
class TriageModelApiTest {

  private String url;
  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url));
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private long write(String contact, String externalId, String text) {
    IngestResult in = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", externalId, contact,
        null, text, running.clock.instant())));
    return in.caseId();
  }

  private static JsonObject correction(String urgency, String... categories) {
    return new JsonObject().put("categories", new JsonArray(List.of(categories))).put("urgency", urgency);
  }

  /** Scoring two models on the whole corpus takes seconds on a busy machine: more than Await's 30 s is allowed. */
  private static <T> T slow(io.vertx.core.Future<T> future) {
    try {
      return future.await(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no answer within 120 s", e);
    }
  }

  private long count(String sql) {
    return Await.result(db.pool().query(sql).execute()).iterator().next().getLong(0);
  }

  @Nested
  @DisplayName("GET /api/triage/corrections.jsonl")
  class Export {

    @Test
    @DisplayName("gives each case's newest correction as a corpus line, audited with its count, to the chief only")
    void export() {
      RunningGateway.StaffClient chief = running.chief();
      long first = write("chat-1", "m1", "おなかすいた…冷蔵庫が空っぽ。");
      write("chat-1", "m2", "給料日まであと10日です");
      long second = write("chat-2", "m3", "刑務所を出たばかりで、住むところも仕事もありません");
      assertThat(chief.post("/api/cases/" + first + "/triage", correction("normal", "economic"), true).statusCode())
          .isEqualTo(200);
      assertThat(chief.post("/api/cases/" + first + "/triage", correction("urgent", "food", "economic"), true).statusCode())
          .isEqualTo(200);
      assertThat(chief.post("/api/cases/" + second + "/triage", correction("urgent", "housing", "job_seeking"), true)
          .statusCode()).isEqualTo(200);
      long newest = count("SELECT max(id) FROM triage_correction WHERE case_id = " + first);

      HttpResponse<Buffer> r = chief.get("/api/triage/corrections.jsonl");

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("application/x-ndjson");
      assertThat(r.getHeader("Cache-Control")).isEqualTo("no-store");
      assertThat(r.getHeader("Content-Disposition")).startsWith("attachment;").contains(".jsonl");
      List<String> lines = r.bodyAsString("UTF-8").lines().toList();
      List<LabelledMessage> parsed = LabelledMessage.parse("export", lines);
      assertThat(parsed).hasSize(2);
      LabelledMessage food = parsed.get(0);
      assertThat(food.id()).isEqualTo("corr-" + newest);
      assertThat(food.text()).isEqualTo("おなかすいた…冷蔵庫が空っぽ。\n給料日まであと10日です");
      assertThat(food.categories()).containsExactly("economic", "food");
      assertThat(food.urgency().code()).isEqualTo("urgent");
      assertThat(parsed.get(1).text()).isEqualTo("刑務所を出たばかりで、住むところも仕事もありません");
      assertThat(parsed.get(1).categories()).containsExactly("housing", "job_seeking");
      // What a desk appends to its copy of the corpus must train: the same ids and format as the corpus.
      List<LabelledMessage> withCorpus = new ArrayList<>(TriageCorpus.bundled().messages());
      withCorpus.addAll(parsed);
      assertThat(new TriageCorpus(withCorpus).size()).isEqualTo(TriageCorpus.bundled().size() + 2);

      JsonObject audited = Await.result(db.pool().query(
          "SELECT detail, allowed FROM audit_log WHERE action = 'triage.corrections.export'").execute())
          .iterator().next().toJson();
      assertThat(audited.getBoolean("allowed")).isTrue();
      JsonObject detail = new JsonObject(String.valueOf(audited.getValue("detail")));
      assertThat(detail.getLong("lines")).isEqualTo(2);
      assertThat(detail.getJsonArray("caseIds").stream().map(id -> ((Number) id).longValue()))
          .as("the cases whose words left in the file").containsExactly(first, second);
      // Who saw case `second`: the export that carried its words is in that case's audit view.
      assertThat(chief.get("/api/audit?caseId=" + second).bodyAsJsonObject().getJsonArray("items").stream()
          .map(o -> ((JsonObject) o).getString("action"))).contains("triage.corrections.export");

      String tomorrow = java.time.LocalDate.now(running.clock.withZone(java.time.ZoneId.of("Asia/Tokyo")))
          .plusDays(1).toString();
      assertThat(chief.get("/api/triage/corrections.jsonl?since=" + tomorrow).bodyAsString()).isNullOrEmpty();
      assertThat(chief.get("/api/triage/corrections.jsonl?since=yesterday").statusCode()).isEqualTo(400);

      RunningGateway.StaffClient consultant = running.staff("sato", Role.CONSULTANT);
      HttpResponse<Buffer> refused = consultant.get("/api/triage/corrections.jsonl");
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.bodyAsString()).doesNotContain("冷蔵庫");
      assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'triage.corrections.export' AND NOT allowed"))
          .isEqualTo(1);
    }

    @Test
    @DisplayName("streams more corrections than one page holds, each once")
    void manyPages() {
      RunningGateway.StaffClient chief = running.chief();
      long staffId = count("SELECT id FROM staff WHERE login = 'chief'");
      int cases = 450;
      for (int i = 0; i < cases; i++) {
        write("chat-many-" + i, "many-" + i, "家賃が払えません " + i);
      }
      Await.result(db.pool().preparedQuery("""
          INSERT INTO triage_correction (case_id, staff_id, previous_categories, previous_urgency, categories, urgency, at)
          SELECT id, $1, categories, urgency, ARRAY['arrears'], 'urgent', $2 FROM consultation_case
          """).execute(Tuple.of(staffId, running.clock.instant().plus(Duration.ofDays(1)).atOffset(java.time.ZoneOffset.UTC))));

      List<String> lines = chief.get("/api/triage/corrections.jsonl").bodyAsString("UTF-8").lines().toList();

      assertThat(lines).hasSize(cases);
      assertThat(lines.stream().map(l -> new JsonObject(l).getString("id")).distinct()).hasSize(cases);
    }
  }

  @Nested
  @DisplayName("PUT /api/triage/model")
  class Install {

    private HttpResponse<Buffer> put(RunningGateway.StaffClient staff, byte[] file) {
      HttpRequest<Buffer> req = WebClient.create(running.vertx)
          .put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/model")
          .putHeader("Content-Type", "application/octet-stream");
      if (staff != null) {
        req.putHeader("Cookie", staff.cookie).putHeader("X-CSRF-Token", staff.csrf);
      }
      return slow(req.sendBuffer(Buffer.buffer(file)));
    }

    @Test
    @DisplayName("refuses a file that is not a model with the reason, and leaves the shipped model in force")
    void garbage() {
      RunningGateway.StaffClient chief = running.chief();

      HttpResponse<Buffer> r = put(chief, "this is not a model".getBytes(java.nio.charset.StandardCharsets.UTF_8));

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_model");
      assertThat(r.bodyAsJsonObject().getString("message")).contains("モデルファイル").contains("damaged or truncated");
      assertThat(chief.get("/api/triage/model").bodyAsJsonObject().getString("source")).isEqualTo("shipped");
      assertThat(count("SELECT count(*) FROM triage_model")).isZero();
    }

    @Test
    @DisplayName("refuses a model that scores below the one in force, with both figures")
    void worse() {
      RunningGateway.StaffClient chief = running.chief();
      List<LabelledMessage> few = TriageCorpus.bundled().messages().subList(0, 80);
      byte[] tiny = new TriageTrainer(TriageTrainer.Settings.DEFAULT, TriageRules.bundled())
          .train(new TriageCorpus(few)).toBytes();

      HttpResponse<Buffer> r = put(chief, tiny);

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getString("error")).isEqualTo("model_scores_lower");
      assertThat(body.getJsonArray("shortfalls")).isNotEmpty();
      assertThat(body.getString("message")).contains("入れ替えませんでした").contains("scores below").contains("micro-F1");
      assertThat(body.getJsonObject("candidate").getDouble("microF1"))
          .isLessThan(body.getJsonObject("current").getDouble("microF1"));
      assertThat(body.getInteger("messages")).isEqualTo(TriageCorpus.bundled().size());
      assertThat(chief.get("/api/triage/model").bodyAsJsonObject().getString("source")).isEqualTo("shipped");
      assertThat(count("SELECT count(*) FROM triage_model")).isZero();
    }

    @Test
    @DisplayName("accepts a model that scores as well, puts it in force here, and other instances pick it up")
    void accepted() {
      RunningGateway.StaffClient chief = running.chief();
      // Another instance on the same database, running before the install: its refresh finds the model.
      TriageModelInForce elsewhere = Await.result(running.vertx.executeBlocking(() -> TriageModelInForce.shipped(
          TriageRules.bundled()), false));
      Await.result(running.vertx.deployVerticle(new TriageModelRefresh(elsewhere,
          new TriageModelStore(db.pool(), running.clock), Duration.ofMillis(200))));
      byte[] file = TriageModel.bundled().toBytes();

      HttpResponse<Buffer> r = put(chief, file);

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject installed = r.bodyAsJsonObject();
      assertThat(installed.getString("source")).isEqualTo("installed");
      assertThat(installed.getString("sha256")).isEqualTo(TriageModelInForce.sha256(file));
      assertThat(installed.getJsonObject("installedBy").getString("login")).isEqualTo("chief");
      assertThat(installed.getJsonObject("figures").getDouble("crisisRecall"))
          .isEqualTo(installed.getJsonObject("replaced").getJsonObject("figures").getDouble("crisisRecall"));
      JsonObject described = chief.get("/api/triage/model").bodyAsJsonObject();
      assertThat(described.getLong("id")).isEqualTo(installed.getLong("id"));
      assertThat(described.getInteger("features")).isPositive();
      assertThat(described.containsKey("content")).isFalse();

      Await.until(Duration.ofSeconds(15), "the other instance runs the installed model",
          () -> elsewhere.current().savedId() == installed.getLong("id"));
      assertThat(elsewhere.engine().model()).isSameAs(elsewhere.current().model());
      assertThat(elsewhere.engine().triage("もう死にたい").urgency().code()).isEqualTo("crisis");

      // A gateway started afterwards runs it from the start.
      RunningGateway second = RunningGateway.start(running.vertx, Map.of("DATABASE_URL", url));
      try {
        RunningGateway.StaffClient admin = second.client();
        admin.login("admin", RunningGateway.ADMIN_PASSWORD);
        assertThat(admin.get("/api/triage/model").bodyAsJsonObject().getLong("id")).isEqualTo(installed.getLong("id"));
      } finally {
        second.close();
      }
    }

    @Test
    @DisplayName("a saved model that no longer reads is skipped: the model in force stays")
    void unreadableSaved() {
      RunningGateway.StaffClient chief = running.chief();
      long staffId = count("SELECT id FROM staff WHERE login = 'chief'");
      Await.result(db.pool().preparedQuery("""
          INSERT INTO triage_model (content, sha256, corpus_sha256, evaluated_corpus_sha256, features, staff_id, created_at,
                                    messages, micro_f1, urgency_accuracy, crisis_recall, false_crisis_rate, replaced_sha256,
                                    replaced_micro_f1, replaced_urgency_accuracy, replaced_crisis_recall, replaced_false_crisis_rate)
          VALUES ('\\x0102'::bytea, 'x', 'x', 'x', 1, $1, now(), 1, 1, 1, 1, 0, 'y', 1, 1, 1, 0)
          """).execute(Tuple.of(staffId)));

      RunningGateway second = RunningGateway.start(running.vertx, Map.of("DATABASE_URL", url));
      try {
        RunningGateway.StaffClient admin = second.client();
        admin.login("admin", RunningGateway.ADMIN_PASSWORD);
        assertThat(admin.get("/api/triage/model").bodyAsJsonObject().getString("source")).isEqualTo("shipped");
      } finally {
        second.close();
      }
      assertThat(chief.get("/api/triage/model").statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("only the chief installs: a consultant gets 403, no session 401, no CSRF token 403")
    void refusals() {
      RunningGateway.StaffClient consultant = running.staff("sato", Role.CONSULTANT);
      byte[] file = TriageModel.bundled().toBytes();

      assertThat(put(consultant, file).statusCode()).isEqualTo(403);
      assertThat(put(null, file).statusCode()).isEqualTo(401);
      RunningGateway.StaffClient chief = running.chief();
      HttpResponse<Buffer> noCsrf = slow(WebClient.create(running.vertx)
          .put(running.gateway.httpPort(), "127.0.0.1", "/api/triage/model")
          .putHeader("Cookie", chief.cookie).sendBuffer(Buffer.buffer(file)));
      assertThat(noCsrf.statusCode()).isEqualTo(403);
      assertThat(consultant.get("/api/triage/model").statusCode()).isEqualTo(403);
      assertThat(count("SELECT count(*) FROM triage_model")).isZero();
    }
  }
}
