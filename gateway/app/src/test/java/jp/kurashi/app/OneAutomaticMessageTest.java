package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.pipeline.OutOfHoursNotice;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole gateway, wired as in production: a resident's message gets one automatic message, whichever it is.
 * The desk is open or closed by the pinned clock, not by the hour the suite runs.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("One automatic message, not two")
class OneAutomaticMessageTest {

  private static final String SAFETY = "つらい気持ちを書いてくださって";
  private static final String CLOSED = "受付時間外";

  @Test
  @DisplayName("a crisis out of hours: the safety message with the next opening, and nothing more that night")
  void crisisOutOfHours(Vertx vertx) throws Exception {
    Clock night = RunningGateway.deskClosed();
    String next = OutOfHoursNotice.describe(OfficeProfileJson.defaults().hours().nextOpening(night.instant())
        .orElseThrow(), "ja");
    withGateway(vertx, night, (running, db) -> {
      long caseId = receive(running, "crisis-1", "もう死にたい。消えてしまいたい");
      List<String> sent = settled(db, caseId);
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0)).contains(SAFETY).contains(CLOSED).contains(next).contains("0120-279-338");

      receive(running, "later-1", "家賃のことも相談したいです");
      assertThat(settled(db, caseId)).as("no out-of-hours notice after the safety message").hasSize(1);
    });
  }

  @Test
  @DisplayName("an ordinary message out of hours: the out-of-hours notice only")
  void ordinaryOutOfHours(Vertx vertx) throws Exception {
    withGateway(vertx, RunningGateway.deskClosed(), (running, db) -> {
      long caseId = receive(running, "calm-1", "家賃のことで相談したいです");
      List<String> sent = settled(db, caseId);
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0)).startsWith("メッセージを受け取りました").doesNotContain(SAFETY);
    });
  }

  @Test
  @DisplayName("a crisis in opening hours: the safety message only, at once")
  void crisisInHours(Vertx vertx) throws Exception {
    withGateway(vertx, RunningGateway.deskOpen(), (running, db) -> {
      long caseId = receive(running, "crisis-1", "もう死にたい");
      List<String> sent = settled(db, caseId);
      assertThat(sent).hasSize(1);
      assertThat(sent.get(0)).contains(SAFETY).doesNotContain(CLOSED);
    });
  }

  private interface Scenario {
    void run(RunningGateway running, Database db) throws Exception;
  }

  private static void withGateway(Vertx vertx, Clock clock, Scenario scenario) throws Exception {
    String url = TestDatabases.migrated();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), clock)) {
      Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
      try {
        scenario.run(running, db);
      } finally {
        Await.result(db.close());
      }
    }
  }

  private static long receive(RunningGateway running, String id, String text) {
    return Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", id, "chat-one", null, text,
        running.clock.instant()))).caseId();
  }

  /** The case's automatic messages once its messages are triaged and a second notice had time to appear. */
  private static List<String> settled(Database db, long caseId) throws InterruptedException {
    Await.until(Duration.ofSeconds(15), "every message triaged", () -> Await.result(db.pool().query(
        "SELECT count(*) FILTER (WHERE t.message_id IS NULL) = 0 AND count(*) > 0 FROM message m "
            + "LEFT JOIN triage_result t ON t.message_id = m.id WHERE m.direction = 'in' AND m.case_id = " + caseId)
        .execute()).iterator().next().getBoolean(0));
    Await.until(Duration.ofSeconds(10), "an automatic message", () -> !automatic(db, caseId).isEmpty());
    Thread.sleep(700);
    return automatic(db, caseId);
  }

  private static List<String> automatic(Database db, long caseId) {
    List<String> bodies = new ArrayList<>();
    Await.result(db.pool().query("SELECT body FROM message WHERE case_id = " + caseId
        + " AND direction = 'out' AND staff_id IS NULL ORDER BY id").execute()).forEach(r -> bodies.add(r.getString(0)));
    return bodies;
  }
}
