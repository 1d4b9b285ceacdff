package jp.kurashi.core.pipeline;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One automatic message per message, not two: a crisis out of hours gets the safety message with the opening
 * hours in it, never the safety message followed by the out-of-hours notice. Moments are the messages' own
 * times (the desk's hours are read from them), so the result does not depend on when the suite runs.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The one automatic message")
class AutomaticNoticeTest {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final TriageEngine ENGINE = new TriageEngine(TriageRules.bundled());
  /** Friday night: the desk opens again on Monday 30 November at 9:00. */
  private static final ZonedDateTime FRIDAY_NIGHT = ZonedDateTime.of(2026, 11, 27, 22, 0, 0, 0, TOKYO);
  private static final ZonedDateTime THURSDAY_MORNING = ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, TOKYO);
  private static final String SAFETY = "つらい気持ちを書いてくださって";
  private static final String CLOSED = "受付時間外";

  private final Clock clock = TestClocks.ambient();
  private final OfficeProfile profile = OfficeProfileJson.defaults();
  private Database db;
  private InboundPipeline pipeline;
  private long office;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx);
    office = TestDatabases.defaultOffice(db);
    MessageStore messages = new MessageStore(db.pool(), clock);
    CaseEvents events = CaseEvents.inProcess(vertx);
    ReplyQueue replies = new ReplyQueue(vertx, messages, events, clock);
    pipeline = new InboundPipeline(office, messages, events, List.of(new TriageStep(vertx, office, ENGINE,
        new TriageStore(db.pool(), clock), events,
        new AutomaticNotice(profile, replies, Duration.ofHours(12), Duration.ofMinutes(30)), clock)));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private long receive(String id, String contact, String text, ZonedDateTime at) {
    long caseId = Await.result(pipeline.receive(new InboundMessage("line", id, contact, null, text, at.toInstant())))
        .caseId();
    // Triage and the notice run after the commit; the message is done once its triage is stored.
    Await.until(Duration.ofSeconds(15), "triaged", () -> Await.result(db.pool()
        .preparedQuery("SELECT 1 FROM triage_result t JOIN message m ON m.id = t.message_id WHERE m.external_id = $1")
        .execute(Tuple.of(id))).size() == 1);
    return caseId;
  }

  /** Automatic messages of the case that went to the outbox, oldest first. */
  private List<String> automatic(long caseId) {
    List<String> bodies = new ArrayList<>();
    Await.result(db.pool().preparedQuery("SELECT m.body FROM message m JOIN outbox o ON o.message_id = m.id "
        + "WHERE m.case_id = $1 AND m.staff_id IS NULL AND m.direction = 'out' ORDER BY m.id")
        .execute(Tuple.of(caseId))).forEach(r -> bodies.add(r.getString(0)));
    return bodies;
  }

  private List<String> settled(long caseId, int expected) throws InterruptedException {
    Await.until(Duration.ofSeconds(10), expected + " automatic message(s)", () -> automatic(caseId).size() >= expected);
    Thread.sleep(500); // time for a second notice to do the wrong thing
    return automatic(caseId);
  }

  @Test
  @DisplayName("a crisis out of hours gets one message: the safety message with the next opening and the crisis lines")
  void crisisOutOfHours() throws Exception {
    long caseId = receive("c-1", "U1", "もう死にたい。消えてしまいたい", FRIDAY_NIGHT);

    List<String> sent = settled(caseId, 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains(SAFETY).contains(CLOSED).contains("11月30日(月) 9:00")
        .contains("119").contains("0120-279-338").doesNotContain("{next}");
  }

  @Test
  @DisplayName("a later ordinary message the same night gets no out-of-hours notice after the safety message")
  void laterMessageSameNight() throws Exception {
    long caseId = receive("c-1", "U1", "死にたい", FRIDAY_NIGHT);
    settled(caseId, 1);
    receive("c-2", "U1", "家賃も払えていません", FRIDAY_NIGHT.plusMinutes(40));

    List<String> sent = settled(caseId, 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains(SAFETY);
  }

  @Test
  @DisplayName("a crisis and an ordinary message delivered together at night get the safety message only")
  void oneDelivery() throws Exception {
    // The second message is triaged after the first, not beside it: its out-of-hours notice cannot overtake
    // the safety message.
    for (int round = 0; round < 5; round++) {
      String contact = "U-batch-" + round;
      long caseId = Await.result(pipeline.receiveAll(List.of(
          new InboundMessage("line", "b-" + round + "-1", contact, null, "もう死にたい", FRIDAY_NIGHT.toInstant()),
          new InboundMessage("line", "b-" + round + "-2", contact, null, "ok", FRIDAY_NIGHT.toInstant()))))
          .get(0).caseId();
      List<String> sent = settled(caseId, 1);
      assertThat(sent).as("round " + round).hasSize(1);
      assertThat(sent.get(0)).contains(SAFETY).contains("11月30日(月) 9:00");
    }
  }

  @Test
  @DisplayName("an ordinary message out of hours gets the out-of-hours notice only")
  void ordinaryOutOfHours() throws Exception {
    long caseId = receive("n-1", "U1", "家賃のことで相談したいです", FRIDAY_NIGHT);

    List<String> sent = settled(caseId, 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).startsWith("メッセージを受け取りました").contains("11月30日(月) 9:00").doesNotContain(SAFETY);
  }

  @Test
  @DisplayName("a crisis in opening hours gets the safety message at once, without the hours")
  void crisisInHours() throws Exception {
    long caseId = receive("c-1", "U1", "もう死にたい", THURSDAY_MORNING);

    List<String> sent = settled(caseId, 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).contains(SAFETY).contains("0120-279-338").doesNotContain(CLOSED);
  }

  @Test
  @DisplayName("a crisis after the night's out-of-hours notice still gets the safety message")
  void crisisAfterNotice() throws Exception {
    long caseId = receive("n-1", "U1", "夜分にすみません", FRIDAY_NIGHT);
    settled(caseId, 1);
    receive("c-1", "U1", "やっぱりもう死にたいです", FRIDAY_NIGHT.plusMinutes(30));

    List<String> sent = settled(caseId, 2);
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).contains(SAFETY).contains("11月30日(月) 9:00");
  }

  @Test
  @DisplayName("writes the safety message with the hours in the contact's language")
  void english() throws Exception {
    Await.result(new ContactStore(db.pool(), clock).recordConsent(office, "line", "U-en", "v1", "en"));
    long caseId = receive("en-1", "U-en", "I want to die", FRIDAY_NIGHT);

    List<String> sent = settled(caseId, 1);
    assertThat(sent).hasSize(1);
    assertThat(sent.get(0)).startsWith("We have read your message").contains("Mon 30 Nov, 9:00")
        .contains("Yorisoi Hotline");
  }
}
