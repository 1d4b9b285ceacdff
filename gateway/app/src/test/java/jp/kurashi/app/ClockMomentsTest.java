package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway at the moments that used to break the suite: a Sunday night, an open Tuesday morning,
 * New Year's Eve (year-end closing) and a substitute holiday. Each moment comes from the injected clock, so
 * the outcome is the same whenever the suite runs.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The gateway at a given moment")
class ClockMomentsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      Sunday 03:00 JST: closed, staff answer Monday | 2026-11-29T03:00+09:00 | false | 11月30日(月) 9:00
      Tuesday 10:00 JST: open, no notice           | 2026-12-01T10:00+09:00 | true  |
      31 December: year-end closing until 4 January | 2026-12-31T10:00+09:00 | false | 1月4日(月) 9:00
      substitute holiday 2027-03-22: closed          | 2027-03-22T10:00+09:00 | false | 3月23日(火) 9:00
      """)
  void atMoment(String name, String moment, boolean open, String nextOpening, Vertx vertx) throws Exception {
    String url = TestDatabases.migrated();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), TestClocks.at(moment))) {
      Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
      try {
        long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "moment-1",
            "chat-moment", null, "家賃のことで相談したいです", running.clock.instant()))).caseId();

        if (open) {
          Thread.sleep(700);
          assertThat(automaticMessages(db, caseId)).as("no out-of-hours notice while open").isEmpty();
        } else {
          Await.until(Duration.ofSeconds(10), "out-of-hours notice", () -> automaticMessages(db, caseId).size() == 1);
          assertThat(automaticMessages(db, caseId).get(0)).contains(nextOpening).contains("0120-279-338");
        }

        JsonObject config = Await.result(WebClient.create(vertx)
            .get(running.gateway.httpPort(), "127.0.0.1", "/webchat/config").send()).bodyAsJsonObject();
        assertThat(config.getBoolean("open")).isEqualTo(open);

        // Sessions and reports read the same clock: a login made at this moment works, and the current
        // fiscal year (April to March) is the moment's.
        RunningGateway.StaffClient chief = running.chief();
        assertThat(chief.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
        assertThat(chief.get("/api/reports/monthly").bodyAsJsonObject().getInteger("fiscalYear")).isEqualTo(2026);
      } finally {
        Await.result(db.close());
      }
    }
  }

  private static List<String> automaticMessages(Database db, long caseId) {
    List<String> bodies = new ArrayList<>();
    Await.result(db.pool().query("SELECT body FROM message WHERE case_id = " + caseId
        + " AND direction = 'out' AND staff_id IS NULL ORDER BY id").execute()).forEach(r -> bodies.add(r.getString(0)));
    return bodies;
  }
}
