package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 病気 and けが apart (issue 13): a database written before the split keeps its 病気・けが cases as 病気, and a new
 * injury is triaged {@code injury} and counted in the city's report under けが.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("病気 and けが apart")
class IllnessInjuryTest {

  private static final ZoneId JST = ZoneId.of("Asia/Tokyo");

  @Test
  @DisplayName("an old illness case stays readable and counted as 病気; a new injury is triaged injury and counted as けが")
  void illnessAndInjury(Vertx vertx) throws Exception {
    String url = TestPostgres.shared().newDatabaseUrl();
    DatabaseSettings settings = DatabaseSettings.fromUrl(url, 2);
    // The schema as the last version before the split left it, with a case triaged 病気・けが back then.
    Flyway.configure().dataSource(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword())
        .locations(jp.kurashi.core.store.Database.locations().toArray(String[]::new)).target("9").load().migrate();
    long old = seedOldCase(settings);

    // The gateway's start migrates the database to the newest version.
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen())) {
      Database db = Await.result(Database.open(vertx, settings));
      try {
        assertThat(Await.result(db.pool().query("SELECT max(split_part(version, '.', 1)::int) FROM flyway_schema_history")
            .execute()).iterator().next().getInteger(0)).isGreaterThanOrEqualTo(10);
        RunningGateway.StaffClient chief = running.chief();

        JsonObject detail = chief.get("/api/cases/" + old).bodyAsJsonObject();
        assertThat(detail.getJsonArray("categories").getList()).containsExactly("illness");
        JsonObject report2025 = chief.get("/api/reports/monthly?fy=2025").bodyAsJsonObject();
        assertThat(report2025.getJsonObject("total").getJsonObject("byCategory").getLong("illness")).isEqualTo(1);
        assertThat(report2025.getJsonObject("total").getJsonObject("byCategory").getLong("injury")).isZero();
        assertThat(csvTotal(chief, 2025, "病気")).isEqualTo("1");
        assertThat(csvTotal(chief, 2025, "けが")).isEqualTo("0");

        long injured = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "injury-1",
            "chat-injury", null, "階段で転んで足を骨折しました。しばらく働けません", running.clock.instant()))).caseId();
        Await.until(Duration.ofSeconds(10), "triaged", () -> categories(db, injured).length > 0);
        assertThat(categories(db, injured)).contains("injury").doesNotContain("illness");

        int fy = fiscalYear(running.clock.instant().atZone(JST));
        JsonObject report = chief.get("/api/reports/monthly?fy=" + fy).bodyAsJsonObject();
        assertThat(report.getJsonObject("total").getJsonObject("byCategory").getLong("injury")).isEqualTo(1);
        assertThat(report.getJsonObject("total").getJsonObject("byCategory").getLong("illness")).isZero();
        assertThat(csvTotal(chief, fy, "けが")).isEqualTo("1");
        assertThat(csvTotal(chief, fy, "病気")).isEqualTo("0");

        List<JsonObject> labels = chief.get("/api/categories").bodyAsJsonObject().getJsonArray("items").stream()
            .map(o -> (JsonObject) o).filter(o -> List.of("illness", "injury").contains(o.getString("code"))).toList();
        assertThat(labels).containsExactly(
            new JsonObject().put("code", "illness").put("label", "病気").put("labelEn", "Illness"),
            new JsonObject().put("code", "injury").put("label", "けが").put("labelEn", "Injury"));
      } finally {
        Await.result(db.close());
      }
    }
  }

  /** A case, its message and triage result as a gateway before V10 stored them: 「病気・けが」 was illness. */
  private static long seedOldCase(DatabaseSettings settings) throws Exception {
    try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.connect().getUser(),
        settings.connect().getPassword()); Statement s = c.createStatement()) {
      s.execute("INSERT INTO contact (office_id, channel, external_id) SELECT id, 'line', 'U-old' FROM office");
      s.execute("""
          INSERT INTO consultation_case (office_id, contact_id, channel, urgency, categories, opened_at, last_message_at)
          SELECT office_id, id, 'line', 'normal', '{illness}', '2025-06-10T10:00+09:00', '2025-06-10T10:00+09:00'
            FROM contact WHERE external_id = 'U-old'""");
      s.execute("""
          INSERT INTO message (case_id, contact_id, channel, direction, body, external_id, delivery, created_at)
          SELECT id, contact_id, 'line', 'in', '転んでけがをして通院しています', 'old-1', 'received', opened_at
            FROM consultation_case""");
      s.execute("""
          INSERT INTO triage_result (message_id, case_id, categories, urgency, matched)
          SELECT id, case_id, '{illness}', 'normal', '[]' FROM message WHERE external_id = 'old-1'""");
      try (ResultSet r = s.executeQuery("SELECT id FROM consultation_case")) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static String[] categories(Database db, long caseId) {
    return Await.result(db.pool().preparedQuery("SELECT categories FROM consultation_case WHERE id = $1")
        .execute(Tuple.of(caseId))).iterator().next().getArrayOfStrings(0);
  }

  /** The total row's cell under {@code column} in the report's CSV. */
  private static String csvTotal(RunningGateway.StaffClient chief, int fy, String column) {
    byte[] bytes = chief.get("/api/reports/monthly.csv?fy=" + fy).body().getBytes();
    String[] lines = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8).split("\r\n");
    List<String> header = Arrays.asList(lines[0].split(","));
    assertThat(header).as("one column each for 病気 and けが").containsOnlyOnce("病気", "けが");
    assertThat(lines[lines.length - 1]).startsWith("合計");
    return lines[lines.length - 1].split(",")[header.indexOf(column)];
  }

  private static int fiscalYear(ZonedDateTime t) {
    return t.getMonthValue() >= 4 ? t.getYear() : t.getYear() - 1;
  }
}
