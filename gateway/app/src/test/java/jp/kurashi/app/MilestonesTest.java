package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Support milestones (assessment, plan, re-plan, evaluation) recorded on a case. */
@ExtendWith(VertxExtension.class)
@DisplayName("Support milestones")
class MilestonesTest {

  private RunningGateway running;
  private RunningGateway.StaffClient chief;
  private long caseId;

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated()),
        RunningGateway.deskOpen());
    chief = running.chief();
    caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m-1", "chat-m", null,
        "仕事を探しています", running.clock.instant()))).caseId();
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private String today() {
    return LocalDate.now(running.clock.withZone(ZoneId.of("Asia/Tokyo"))).toString();
  }

  @Test
  @DisplayName("records an assessment and a plan in the order done, lists them, and takes one back")
  void recordListUndo() {
    var plan = chief.post("/api/cases/" + caseId + "/milestones",
        new JsonObject().put("kind", "plan").put("on", today()).put("note", "就労支援を中心に"), true);
    assertThat(plan.statusCode()).as(plan.bodyAsString()).isEqualTo(201);
    var assessment = chief.post("/api/cases/" + caseId + "/milestones",
        new JsonObject().put("kind", "assessment").put("on", LocalDate.parse(today()).minusDays(30).toString()), true);
    assertThat(assessment.statusCode()).as(assessment.bodyAsString()).isEqualTo(201);

    JsonArray items = chief.get("/api/cases/" + caseId + "/milestones").bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getString("kind")).isEqualTo("assessment");
    assertThat(items.getJsonObject(1).getString("note")).isEqualTo("就労支援を中心に");
    assertThat(items.getJsonObject(1).getString("recordedByName")).isEqualTo("職員 chief");

    long id = assessment.bodyAsJsonObject().getLong("id");
    assertThat(chief.send(HttpMethod.DELETE, "/api/cases/" + caseId + "/milestones/" + id, null, true).statusCode())
        .isEqualTo(204);
    assertThat(chief.send(HttpMethod.DELETE, "/api/cases/" + caseId + "/milestones/" + id, null, true).statusCode())
        .isEqualTo(404);
    assertThat(chief.get("/api/cases/" + caseId + "/milestones").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    var actions = chief.get("/api/audit?caseId=" + caseId).bodyAsJsonObject().getJsonArray("items").stream()
        .map(a -> ((JsonObject) a).getString("action")).toList();
    assertThat(actions).contains("milestone.recorded", "milestone.deleted");
  }

  @Test
  @DisplayName("a milestone form sent twice at once, or again after a lost answer, records one milestone, its repeats audited apart; edited, it is refused")
  void draftOnce() {
    String path = "/api/cases/" + caseId + "/milestones";
    JsonObject plan = new JsonObject().put("kind", "plan").put("on", today()).put("note", "就労支援を中心に")
        .put("draftId", "3c2b1a0f-9e8d-4c7b-a6f5-e4d3c2b1a0f9");

    List<HttpResponse<Buffer>> sent = Await.result(Future.all(chief.postAsync(path, plan), chief.postAsync(path, plan)))
        .list();
    sent.forEach(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getLong("id")).containsOnly(sent.get(0).bodyAsJsonObject().getLong("id"));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getBoolean("alreadyRecorded")).containsExactlyInAnyOrder(false, true);
    assertThat(chief.post(path, plan, true).bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
    assertThat(chief.get(path).bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    for (JsonObject edited : List.of(plan.copy().put("kind", "replan"), plan.copy().put("note", "住まいの確保を中心に"),
        plan.copy().put("on", LocalDate.parse(today()).minusDays(1).toString()))) {
      var refused = chief.post(path, edited, true);
      assertThat(refused.statusCode()).as(edited.encode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
    }
    assertThat(chief.get(path).bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    List<String> audited = chief.get("/api/audit?caseId=" + caseId).bodyAsJsonObject().getJsonArray("items").stream()
        .map(a -> ((JsonObject) a).getString("action")).filter(a -> a.startsWith("milestone.recorded")).toList();
    assertThat(audited).containsExactlyInAnyOrder("milestone.recorded", "milestone.recorded.repeat",
        "milestone.recorded.repeat");
    assertThat(chief.post(path, plan.copy().put("draftId", "not-a-uuid"), true).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("a case merged into another takes no milestone: 409 case_merged naming the case kept, which the report counts")
  void mergedCase() {
    long kept = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m-2", "chat-m2", null,
        "仕事の相談の続きです", running.clock.instant()))).caseId();
    var merged = chief.post("/api/cases/" + caseId + "/merge", new JsonObject().put("into", kept), true);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);

    var refused = chief.post("/api/cases/" + caseId + "/milestones", new JsonObject().put("kind", "plan").put("on", today())
        .put("draftId", "4d3c2b1a-0f9e-4d8c-b7a6-f5e4d3c2b1a0"), true);

    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
    assertThat(refused.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept);
    assertThat(chief.get("/api/cases/" + kept + "/milestones").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("refuses a future day, an unknown kind, and a consultant the case is not assigned to")
  void refuses() {
    String tomorrow = LocalDate.parse(today()).plusDays(1).toString();
    assertThat(chief.post("/api/cases/" + caseId + "/milestones", new JsonObject().put("kind", "plan").put("on", tomorrow),
        true).statusCode()).isEqualTo(400);
    assertThat(chief.post("/api/cases/" + caseId + "/milestones", new JsonObject().put("kind", "lunch").put("on", today()),
        true).statusCode()).isEqualTo(400);
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    assertThat(sato.post("/api/cases/" + caseId + "/milestones", new JsonObject().put("kind", "plan").put("on", today()),
        true).statusCode()).isEqualTo(403);
    assertThat(chief.get("/api/cases/" + caseId + "/milestones").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }
}
