package jp.kurashi.core.pipeline;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MovableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message acknowledged and committed whose triage never ran (the gateway was killed in between) is found by the
 * sweep and gets its triage and its one automatic message, once, however often the sweep runs.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Unfinished after-commit work is resumed")
class AfterCommitSweepTest {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final TriageEngine ENGINE = new TriageEngine(TriageRules.bundled());
  /** Friday night, out of hours. */
  private static final ZonedDateTime FRIDAY_NIGHT = ZonedDateTime.of(2026, 11, 27, 22, 0, 0, 0, TOKYO);

  private final MovableClock clock = new MovableClock(Clock.fixed(FRIDAY_NIGHT.toInstant(), TOKYO));
  private final OfficeProfile profile = OfficeProfileJson.defaults();
  private Database db;
  private MessageStore messages;
  private InboundPipeline pipeline;
  private AfterCommitSweep sweep;
  private CaseEvents events;
  private long office;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx);
    office = TestDatabases.defaultOffice(db);
    messages = new MessageStore(db.pool(), clock);
    events = CaseEvents.inProcess(vertx);
    ReplyQueue replies = new ReplyQueue(vertx, messages, events, clock);
    pipeline = new InboundPipeline(office, messages, events, List.of(new TriageStep(vertx, office, ENGINE,
        new TriageStore(db.pool(), clock), events,
        new AutomaticNotice(profile, replies, Duration.ofHours(12), Duration.ofMinutes(30)), clock)));
    sweep = new AfterCommitSweep(pipeline, messages, Set.of("line", "mail"), clock, Duration.ofHours(1),
        Duration.ofMinutes(1), Duration.ofHours(24));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  /** Committed as a channel would, without the pipeline's steps: what a kill right after the 200 leaves. */
  private long storedOnly(String id, String channel, String text) {
    return Await.result(messages.ingest(office, new InboundMessage(channel, id, "U-" + id, null, text,
        clock.instant()))).messageId();
  }

  private boolean triaged(long messageId) {
    return Await.result(db.pool().preparedQuery("SELECT 1 FROM triage_result WHERE message_id = $1")
        .execute(Tuple.of(messageId))).size() == 1;
  }

  private List<String> automatic() {
    return Await.result(db.pool().query("SELECT m.body FROM message m JOIN outbox o ON o.message_id = m.id "
        + "WHERE m.staff_id IS NULL AND m.direction = 'out' ORDER BY m.id").execute())
        .stream().map(r -> r.getString(0)).toList();
  }

  @Test
  @DisplayName("a crisis stored just before a crash gets its triage and the safety message once, on the next sweep")
  void crisisBeforeCrash(Vertx vertx) throws Exception {
    long crisis = storedOnly("k-1", "line", "もう死にたい。薬を全部飲みました");
    clock.advance(Duration.ofMinutes(2));

    // The gateway starts again: the sweep's first pass runs as it is deployed.
    Await.result(vertx.deployVerticle(sweep));
    Await.until(Duration.ofSeconds(15), "triaged", () -> triaged(crisis));
    Await.until(Duration.ofSeconds(10), "safety message", () -> automatic().size() == 1);
    assertThat(automatic().get(0)).contains("つらい気持ちを書いてくださって").contains("受付時間外");

    assertThat(Await.result(sweep.sweep())).isZero();
    clock.advance(Duration.ofMinutes(31)); // past the safety message's own gap: only the triage result stops a repeat
    assertThat(Await.result(sweep.sweep())).isZero();
    Thread.sleep(300); // time for a second safety message to do the wrong thing
    assertThat(automatic()).hasSize(1);
  }

  @Test
  @DisplayName("a crisis whose safety message failed after its triage committed gets it on the next sweep, once")
  void answerFailedAfterTriage() throws Exception {
    // The outbox refuses every row for now, as a dropped connection or a restarting server would the one statement.
    Await.result(db.pool().query("CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ "
        + "BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$").execute());
    Await.result(db.pool().query("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
        + "FOR EACH ROW EXECUTE FUNCTION refuse_outbox()").execute());
    List<jp.kurashi.core.domain.CaseEvent> alerts = new java.util.concurrent.CopyOnWriteArrayList<>();
    events.subscribe(e -> {
      if (jp.kurashi.core.domain.CaseEvent.CASE_CRISIS.equals(e.type())) {
        alerts.add(e);
      }
    });
    long crisis = Await.result(pipeline.receive(new InboundMessage("line", "k-2", "U-k-2", null,
        "もう死にたい。薬を全部飲みました", clock.instant()))).messageId();
    Await.until(Duration.ofSeconds(15), "triaged, its answer tried",
        () -> triaged(crisis) && !pipeline.afterCommitQueue().pending(crisis));
    assertThat(automatic()).isEmpty();
    Await.result(db.pool().query("DROP TRIGGER refuse_outbox ON outbox").execute());

    clock.advance(Duration.ofMinutes(2));
    assertThat(Await.result(sweep.sweep())).isOne();
    Await.until(Duration.ofSeconds(10), "safety message", () -> automatic().size() == 1);
    assertThat(automatic().get(0)).contains("つらい気持ちを書いてくださって").contains("受付時間外");
    Await.until(Duration.ofSeconds(10), "answer decided", () -> !pipeline.afterCommitQueue().pending(crisis));

    clock.advance(Duration.ofMinutes(31)); // past the safety message's own gap: only the decided answer stops a repeat
    assertThat(Await.result(sweep.sweep())).isZero();
    Thread.sleep(300);
    assertThat(automatic()).hasSize(1);
    assertThat(alerts).as("consoles alerted once, not again by the resumed answer").hasSize(1);
  }

  @Test
  @DisplayName("messages still within the grace time, on other channels, taken back or older than the window stay")
  void leftAlone() {
    long young = storedOnly("y-1", "line", "家賃が払えません");
    long staffRecorded = storedOnly("p-1", "phone", "電話での相談");
    clock.advance(Duration.ofSeconds(30));
    assertThat(Await.result(sweep.sweep())).isZero();

    clock.advance(Duration.ofHours(25));
    assertThat(Await.result(sweep.sweep())).isZero();
    assertThat(triaged(young)).isFalse();
    assertThat(triaged(staffRecorded)).isFalse();
  }

  @Test
  @DisplayName("more unfinished messages than the queue can take are worked off in quick follow-up passes")
  void followUp(Vertx vertx) {
    // A queue with room for two: each pass takes two, and the next comes a second later, not an interval later.
    InboundPipeline small = new InboundPipeline(office, messages, CaseEvents.inProcess(vertx),
        List.of(new TriageStep(vertx, office, ENGINE, new TriageStore(db.pool(), clock), CaseEvents.inProcess(vertx),
            null, clock)), new AfterCommitQueue(1, 2));
    List<Long> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      ids.add(storedOnly("f-" + i, "line", "家賃が払えません " + i));
    }
    clock.advance(Duration.ofMinutes(2));
    Await.result(vertx.deployVerticle(new AfterCommitSweep(small, messages, Set.of("line"), clock, Duration.ofHours(1),
        Duration.ofMinutes(1), Duration.ofHours(24))));
    Await.until(Duration.ofSeconds(15), "all seven triaged", () -> ids.stream().allMatch(this::triaged));
  }

  @Test
  @DisplayName("a message the pipeline triaged is never swept")
  void finishedMessagesStay() throws Exception {
    long id = Await.result(pipeline.receive(new InboundMessage("mail", "m-1", "a@example.jp", null,
        "仕事をなくしました", clock.instant()))).messageId();
    // Finished means triaged and its automatic answer decided: the notice step runs after the triage's commit, and
    // a sweep between the two would rightly resume the message.
    Await.until(Duration.ofSeconds(15), "triaged, its answer decided", () -> Await.result(db.pool().preparedQuery(
        "SELECT 1 FROM triage_result WHERE message_id = $1 AND NOT notice_pending").execute(Tuple.of(id))).size() == 1);
    clock.advance(Duration.ofMinutes(5));
    assertThat(Await.result(sweep.sweep())).isZero();
  }
}
