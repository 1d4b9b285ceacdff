package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Staff see whether the resident agreed to the privacy notice, and handoffs record consent to share with the agency. */
@ExtendWith(VertxExtension.class)
@DisplayName("Consent shown to staff")
class ConsentTest {

  private static final String VERSION = OfficeProfileJson.defaults().privacyNoticeVersion();
  private RunningGateway running;
  private RunningGateway.StaffClient chief;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    chief = running.chief();
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  private long caseOf(String user) {
    return Await.result(running.gateway.pipeline().receive(new InboundMessage("line", user + "-1", user, null,
        "相談があります", running.clock.instant()))).caseId();
  }

  private void agreed(String user, String version, Instant at) {
    Await.result(db.pool().preparedQuery("UPDATE contact SET consent_at = $2, consent_version = $3 WHERE external_id = $1")
        .execute(Tuple.of(user, at.atOffset(ZoneOffset.UTC), version)));
  }

  private JsonObject consentInQueue(long caseId) {
    return chief.get("/api/cases").bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(c -> c.getLong("id") == caseId).findFirst().orElseThrow().getJsonObject("consent");
  }

  @Test
  @DisplayName("the case and the queue say given (with version and time), missing, or outdated (an older notice)")
  void consentState() {
    long missing = caseOf("U-missing");
    long given = caseOf("U-given");
    long outdated = caseOf("U-outdated");
    Instant at = Instant.parse("2026-11-20T01:02:03Z");
    agreed("U-given", VERSION, at);
    agreed("U-outdated", "2020-01-01", at);

    JsonObject none = chief.get("/api/cases/" + missing).bodyAsJsonObject().getJsonObject("consent");
    assertThat(none.getString("state")).isEqualTo("missing");
    assertThat(none.getValue("version")).isNull();
    assertThat(none.getValue("at")).isNull();
    JsonObject yes = chief.get("/api/cases/" + given).bodyAsJsonObject().getJsonObject("consent");
    assertThat(yes).isEqualTo(new JsonObject().put("state", "given").put("version", VERSION).put("at", at.toString()));
    assertThat(chief.get("/api/cases/" + outdated).bodyAsJsonObject().getJsonObject("consent").getString("state"))
        .isEqualTo("outdated");

    assertThat(consentInQueue(missing).getString("state")).isEqualTo("missing");
    assertThat(consentInQueue(given).getString("state")).isEqualTo("given");
    assertThat(consentInQueue(outdated).getString("state")).isEqualTo("outdated");
  }

  @Test
  @DisplayName("a handoff to an agency records whether the resident agreed to share, lists it and prints it; without the answer it is refused")
  void sharingConsent() {
    long caseId = caseOf("U-share");
    long agency = chief.get("/api/agencies").bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getLong("id");
    JsonObject referral = new JsonObject().put("kind", "referral").put("agencyId", agency).put("message", "社協におつなぎします");

    var refused = chief.post("/api/cases/" + caseId + "/handoffs", referral.copy(), true);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("sharing_consent_required");

    var yes = chief.post("/api/cases/" + caseId + "/handoffs", referral.copy().put("sharingConsent", true), true);
    assertThat(yes.statusCode()).as(yes.bodyAsString()).isEqualTo(201);
    var no = chief.post("/api/cases/" + caseId + "/handoffs", referral.copy().put("sharingConsent", false), true);
    assertThat(no.statusCode()).as(no.bodyAsString()).isEqualTo(201);

    var listed = chief.get("/api/cases/" + caseId + "/handoffs").bodyAsJsonObject().getJsonArray("items");
    assertThat(listed.getJsonObject(0).getBoolean("sharingConsent")).isTrue();
    assertThat(listed.getJsonObject(1).getBoolean("sharingConsent")).isFalse();
    assertThat(chief.get(yes.bodyAsJsonObject().getString("summaryUrl")).bodyAsString())
        .contains("関係機関への情報提供の同意</th><td>あり");
    assertThat(chief.get(no.bodyAsJsonObject().getString("summaryUrl")).bodyAsString())
        .contains("関係機関への情報提供の同意</th><td>なし");
  }
}
