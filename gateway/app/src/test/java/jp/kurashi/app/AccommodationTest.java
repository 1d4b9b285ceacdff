package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reasonable accommodation (合理的配慮) on a case: recorded, shown with the case, printed on the handoff summary. */
@ExtendWith(VertxExtension.class)
@DisplayName("Reasonable accommodation")
class AccommodationTest {

  private RunningGateway running;
  private RunningGateway.StaffClient chief;
  private long caseId;

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestPostgres.shared().newDatabaseUrl()),
        RunningGateway.deskOpen());
    chief = running.chief();
    caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "a-1", "chat-a", null,
        "耳が聞こえません。相談したいです", running.clock.instant()))).caseId();
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> put(RunningGateway.StaffClient who, JsonObject body) {
    return who.send(io.vertx.core.http.HttpMethod.PUT, "/api/cases/" + caseId + "/accommodation", body, true);
  }

  @Test
  @DisplayName("is part of the case and of the printed handoff summary, escaped")
  void shownWithTheCase() {
    assertThat(chief.get("/api/cases/" + caseId).bodyAsJsonObject().getJsonObject("accommodation").getJsonArray("needs"))
        .isEmpty();
    var saved = put(chief, new JsonObject().put("needs", new JsonArray().add("sign_language").add("writing"))
        .put("contactMeans", "mail").put("contactHours", "平日の午前").put("note", "<script>大きな文字で</script>"));
    assertThat(saved.statusCode()).as(saved.bodyAsString()).isEqualTo(200);

    JsonObject a = chief.get("/api/cases/" + caseId).bodyAsJsonObject().getJsonObject("accommodation");
    assertThat(a.getJsonArray("needs")).containsExactly("writing", "sign_language");
    assertThat(a.getString("contactMeans")).isEqualTo("mail");
    assertThat(a.getString("contactHours")).isEqualTo("平日の午前");

    var handoff = chief.post("/api/cases/" + caseId + "/handoffs",
        new JsonObject().put("kind", "outreach").put("message", "ご自宅に伺います"), true);
    assertThat(handoff.statusCode()).as(handoff.bodyAsString()).isEqualTo(201);
    String html = chief.get(handoff.bodyAsJsonObject().getString("summaryUrl")).bodyAsString();
    assertThat(html).contains("配慮が必要なこと", "伝え方: 筆談、手話通訳", "連絡の希望: メール、平日の午前",
        "&lt;script&gt;大きな文字で&lt;/script&gt;").doesNotContain("<script>");
  }

  @Test
  @DisplayName("is set only by who may work on the case, and refuses codes it does not know")
  void guarded() {
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    assertThat(put(sato, new JsonObject().put("needs", new JsonArray().add("writing"))).statusCode()).isEqualTo(403);
    assertThat(put(chief, new JsonObject().put("needs", new JsonArray().add("telepathy"))).statusCode()).isEqualTo(400);
    assertThat(put(chief, new JsonObject().put("contactMeans", "pigeon")).statusCode()).isEqualTo(400);
    // Web chat is a means by its channel's code; the old spelling is no code of any channel.
    assertThat(put(chief, new JsonObject().put("contactMeans", "chat")).statusCode()).isEqualTo(400);
    assertThat(put(chief, new JsonObject().put("contactMeans", "webchat")).statusCode()).isEqualTo(200);
    assertThat(put(chief, new JsonObject().put("note", "x".repeat(2001))).statusCode()).isEqualTo(400);
    assertThat(chief.get("/api/cases/" + caseId).bodyAsJsonObject().getJsonObject("accommodation").getJsonArray("needs"))
        .isEmpty();
  }

  @Test
  @DisplayName("goes with its case into the case kept on a merge, unless that has its own; a merged case takes none")
  void followsTheMerge() {
    long kept = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "a-2", "chat-b", null,
        "先ほどの続きです", running.clock.instant()))).caseId();
    assertThat(put(chief, new JsonObject().put("needs", new JsonArray().add("writing")).put("contactMeans", "mail"))
        .statusCode()).isEqualTo(200);

    assertThat(chief.post("/api/cases/" + caseId + "/merge", new JsonObject().put("into", kept), true).statusCode())
        .isEqualTo(200);

    JsonObject carried = chief.get("/api/cases/" + kept).bodyAsJsonObject().getJsonObject("accommodation");
    assertThat(carried.getJsonArray("needs")).containsExactly("writing");
    assertThat(carried.getString("contactMeans")).isEqualTo("mail");
    var refused = put(chief, new JsonObject().put("needs", new JsonArray().add("sign_language")));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
    assertThat(refused.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept);

    // The kept case's own word on the person stands against a duplicate merged later.
    long later = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "a-3", "chat-c", null,
        "もう一度書きます", running.clock.instant()))).caseId();
    assertThat(chief.send(io.vertx.core.http.HttpMethod.PUT, "/api/cases/" + later + "/accommodation",
        new JsonObject().put("needs", new JsonArray().add("easy_japanese")), true).statusCode()).isEqualTo(200);
    assertThat(chief.post("/api/cases/" + later + "/merge", new JsonObject().put("into", kept), true).statusCode())
        .isEqualTo(200);
    assertThat(chief.get("/api/cases/" + kept).bodyAsJsonObject().getJsonObject("accommodation").getJsonArray("needs"))
        .containsExactly("writing");
  }
}
