package jp.kurashi.app;

import io.vertx.core.Vertx;
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

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The desk's work recorded through the staff API, end to end into this month's report for the city: a phone
 * consultation, its support plan, a complaint, and the phone case linked to the same person's web chat.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Work recorded through the console, in this month's report")
class RecordedWorkInReportTest {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private RunningGateway running;

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated()),
        RunningGateway.deskOpen());
  }

  @AfterEach
  void stop() {
    running.close();
  }

  @Test
  @DisplayName("a phone consultation, its plan and a complaint are counted in this month's byRoute.phone, milestones.plan and complaints")
  void countedThisMonth() {
    RunningGateway.StaffClient chief = running.chief();
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    LocalDate today = LocalDate.now(running.clock.withZone(TOKYO));
    String at = running.clock.instant().minus(Duration.ofMinutes(20)).toString();

    var phone = sato.post("/api/cases", new JsonObject().put("route", "phone").put("consulter", "self")
        .put("name", "佐々木 一郎").put("text", "派遣の仕事が切れて、来月の家賃が払えません").put("at", at), true);
    assertThat(phone.statusCode()).as(phone.bodyAsString()).isEqualTo(201);
    long phoneCase = phone.bodyAsJsonObject().getLong("id");
    assertThat(sato.post("/api/cases/" + phoneCase + "/milestones",
        new JsonObject().put("kind", "plan").put("on", today.toString()), true).statusCode()).isEqualTo(201);
    assertThat(sato.post("/api/complaints", new JsonObject().put("receivedAt", at).put("channel", "phone")
        .put("summary", "以前の窓口対応について"), true).statusCode()).isEqualTo(201);
    assertThat(chief.get("/api/complaints").bodyAsJsonObject().getJsonArray("items")).hasSize(1);

    // The same person also wrote in the web chat: the chief links the two cases as one resident.
    long chatCase = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "w-1", "chat-sasaki",
        null, "電話で相談した佐々木です", running.clock.instant()))).caseId();
    var linked = chief.post("/api/cases/" + phoneCase + "/link", new JsonObject().put("caseId", chatCase), true);
    assertThat(linked.statusCode()).as(linked.bodyAsString()).isEqualTo(200);
    assertThat(chief.get("/api/cases/" + phoneCase).bodyAsJsonObject().getJsonArray("messages").stream()
        .map(m -> ((JsonObject) m).getString("text"))).anyMatch(t -> t != null && t.contains("佐々木です"));

    // Each figure is read in the month of its own moment: the phone call and the complaint were 20 minutes ago,
    // which is last month (or last fiscal year) in the first minutes of a month.
    LocalDate atDay = java.time.Instant.parse(at).atZone(TOKYO).toLocalDate();
    JsonObject consulted = month(chief, atDay);
    assertThat(consulted.getJsonObject("byRoute").getLong("phone")).isEqualTo(1);
    assertThat(consulted.getJsonObject("byConsulter").getLong("self")).isEqualTo(1);
    assertThat(consulted.getJsonObject("complaints").getLong("received")).isEqualTo(1);
    JsonObject now = month(chief, today);
    assertThat(now.getJsonObject("byRoute").getLong("webchat")).isEqualTo(1);
    assertThat(now.getJsonObject("milestones").getLong("plan")).isEqualTo(1);
  }

  /** The report's row for the month of {@code day}, from that day's fiscal year. */
  private static JsonObject month(RunningGateway.StaffClient chief, LocalDate day) {
    int fiscalYear = day.getMonthValue() >= 4 ? day.getYear() : day.getYear() - 1;
    String month = day.toString().substring(0, 7);
    return chief.get("/api/reports/monthly?fy=" + fiscalYear).bodyAsJsonObject().getJsonArray("months").stream()
        .map(m -> (JsonObject) m).filter(m -> m.getString("month").equals(month)).findFirst().orElseThrow();
  }
}
