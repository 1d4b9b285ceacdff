package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.Role;
import jp.kurashi.testkit.Await;
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
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated()),
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
  @DisplayName("goes with its case into the case kept on a merge where that has none or an older one; a merged case takes none")
  void followsTheMerge() {
    long older = chat("a-0", "chat-0");
    assertThat(putOn(older, new JsonObject().put("needs", new JsonArray().add("furigana"))).statusCode()).isEqualTo(200);
    long kept = chat("a-2", "chat-b");
    // Emptied before the duplicate's was written: the duplicate's is the newer word.
    assertThat(putOn(kept, new JsonObject().put("needs", new JsonArray())).statusCode()).isEqualTo(200);
    assertThat(put(chief, new JsonObject().put("needs", new JsonArray().add("writing")).put("contactMeans", "mail"))
        .statusCode()).isEqualTo(200);

    assertThat(merge(caseId, kept)).isEqualTo(200);

    JsonObject carried = accommodationOf(kept);
    assertThat(carried.getJsonArray("needs")).containsExactly("writing");
    assertThat(carried.getString("contactMeans")).isEqualTo("mail");
    var refused = put(chief, new JsonObject().put("needs", new JsonArray().add("sign_language")));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
    assertThat(refused.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept);

    // A duplicate whose record is newer than the kept case's brings the newer word on the person.
    long later = chat("a-3", "chat-c");
    assertThat(putOn(later, new JsonObject().put("needs", new JsonArray().add("easy_japanese"))).statusCode()).isEqualTo(200);
    assertThat(merge(later, kept)).isEqualTo(200);
    assertThat(accommodationOf(kept).getJsonArray("needs")).containsExactly("easy_japanese");
    // One recorded before it does not replace it.
    assertThat(merge(older, kept)).isEqualTo(200);
    assertThat(accommodationOf(kept).getJsonArray("needs")).containsExactly("easy_japanese");
  }

  private long chat(String messageId, String resident) {
    return Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", messageId, resident, null,
        "相談があります", running.clock.instant()))).caseId();
  }

  private io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> putOn(long id, JsonObject body) {
    return chief.send(io.vertx.core.http.HttpMethod.PUT, "/api/cases/" + id + "/accommodation", body, true);
  }

  private int merge(long duplicate, long into) {
    return chief.post("/api/cases/" + duplicate + "/merge", new JsonObject().put("into", into), true).statusCode();
  }

  private JsonObject accommodationOf(long id) {
    return chief.get("/api/cases/" + id).bodyAsJsonObject().getJsonObject("accommodation");
  }
}
