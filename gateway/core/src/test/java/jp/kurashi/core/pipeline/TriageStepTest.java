package jp.kurashi.core.pipeline;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.CaseSummary;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

@ExtendWith(VertxExtension.class)
@DisplayName("Triage after each message")
class TriageStepTest {

  // The desk open: these tests are about triage and the safety message alone, with no out-of-hours notice.
  private final Clock clock = TestClocks.next(LocalTime.of(10, 0), OfficeProfileJson.defaults().hours()::isOpen);

  private static final Duration WAIT = Duration.ofSeconds(15);
  private Database db;
  private long office;
  private InboundPipeline pipeline;
  private CaseStore cases;
  private final List<CaseEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx);
    office = TestDatabases.defaultOffice(db);
    MessageStore messages = new MessageStore(db.pool(), clock);
    CaseEvents bus = CaseEvents.inProcess(vertx);
    bus.subscribe(events::add);
    cases = new CaseStore(db.pool(), clock);
    ReplyQueue replies = new ReplyQueue(vertx, messages, bus, clock);
    pipeline = new InboundPipeline(office, messages, bus, List.of(new TriageStep(vertx, office,
        new TriageEngine(TriageRules.bundled()), new TriageStore(db.pool(), clock), bus,
        new AutomaticNotice(OfficeProfileJson.defaults(), replies, Duration.ofHours(12), Duration.ofMinutes(30)),
        clock)));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private IngestResult receive(String id, String contact, String text) {
    return Await.result(pipeline.receive(new InboundMessage("line", id, contact, null, text, clock.instant())));
  }

  private Row caseRow(long caseId) {
    return Await.result(db.pool().preparedQuery("SELECT urgency, categories, crisis_at FROM consultation_case WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(caseId))).iterator().next();
  }

  private long safetyMessages(long caseId) {
    return Await.result(db.pool().preparedQuery(
            "SELECT count(*) FROM message m JOIN outbox o ON o.message_id = m.id WHERE m.case_id = $1 AND m.staff_id IS NULL")
        .execute(io.vertx.sqlclient.Tuple.of(caseId))).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("a crisis gets the safety message on the resident's channel at once, an alert, and the top of the queue")
  void crisis() {
    IngestResult calm = receive("c-1", "U-calm", "家賃を滞納しています");
    IngestResult crisis = receive("c-2", "U-crisis", "もう死にたい。消えてしまいたい");

    Await.until(WAIT, "safety message queued", () -> safetyMessages(crisis.caseId()) == 1);
    Row row = caseRow(crisis.caseId());
    assertThat(row.getString("urgency")).isEqualTo("crisis");
    assertThat(row.getArrayOfStrings("categories")).contains("suicide_risk");
    assertThat(row.getOffsetDateTime("crisis_at")).isNotNull();
    String body = Await.result(db.pool().preparedQuery("SELECT body FROM message WHERE case_id = $1 AND staff_id IS NULL "
        + "AND direction = 'out'").execute(io.vertx.sqlclient.Tuple.of(crisis.caseId()))).iterator().next().getString(0);
    assertThat(body).contains("119").contains("0120-279-338");
    Await.until(WAIT, "alert", () -> events.stream().anyMatch(e -> e.type().equals(CaseEvent.CASE_CRISIS)
        && e.caseId() == crisis.caseId()));

    Await.until(WAIT, "calm case triaged", () -> caseRow(calm.caseId()).getArrayOfStrings("categories").length > 0);
    List<CaseSummary> queue = Await.result(cases.list(office, "open", 10, null)).items();
    assertThat(queue.get(0).id()).isEqualTo(crisis.caseId());
    assertThat(safetyMessages(calm.caseId())).isZero();
  }

  @Test
  @DisplayName("categories accumulate over a case's messages and urgency never drops")
  void accumulates() {
    IngestResult first = receive("a-1", "U1", "3日何も食べていません");
    Await.until(WAIT, "urgent", () -> "urgent".equals(caseRow(first.caseId()).getString("urgency")));
    receive("a-2", "U1", "借金もあります");
    Await.until(WAIT, "debt added", () -> List.of(caseRow(first.caseId()).getArrayOfStrings("categories")).contains("debt"));

    Row row = caseRow(first.caseId());
    assertThat(row.getArrayOfStrings("categories")).containsExactlyInAnyOrder("food", "debt");
    assertThat(row.getString("urgency")).isEqualTo("urgent");
  }

  @Test
  @DisplayName("one safety message per half hour, however many crisis messages")
  void oneSafetyMessage() throws Exception {
    IngestResult r = receive("s-1", "U2", "死にたい");
    receive("s-2", "U2", "本当に死にたい");
    receive("s-3", "U2", "消えたい");
    Await.until(WAIT, "one", () -> safetyMessages(r.caseId()) == 1);
    Thread.sleep(500);
    assertThat(safetyMessages(r.caseId())).isEqualTo(1);
  }

  private IngestResult receiveMail(String id, String from, String subject, String text) {
    return receiveMail(id, from, subject, text, null);
  }

  /** A mail; {@code inCase}: the case its References or case token found (a reply in the desk's thread). */
  private IngestResult receiveMail(String id, String from, String subject, String text, Long inCase) {
    return Await.result(pipeline.receive(new InboundMessage("mail", id, from, null, text, clock.instant(), List.of(),
        subject, false, inCase)));
  }

  private String urgencyOf(IngestResult stored) {
    Await.until(WAIT, "message " + stored.messageId() + " triaged", () -> Await.result(db.pool()
        .preparedQuery("SELECT count(*) FROM triage_result WHERE message_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(stored.messageId()))).iterator().next().getLong(0) == 1);
    return Await.result(db.pool().preparedQuery("SELECT urgency FROM triage_result WHERE message_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(stored.messageId()))).iterator().next().getString(0);
  }

  @Test
  @DisplayName("a mail is triaged on the subject its writer gave it and their own words, not on what a reply to the desk quotes")
  void mailOwnWords() {
    String crisis = "もう死にたい。消えてしまいたい";
    assertThat(new TriageEngine(TriageRules.bundled()).triage(crisis).urgency().code()).as("the quote alone")
        .isEqualTo("crisis");
    long caseOfB = receiveMail("m-0b", "b@example.jp", "相談", "家賃のことで相談があります").caseId();
    long caseOfC = receiveMail("m-0c", "c@example.jp", "相談", "仕事のことで相談があります").caseId();
    long caseOfF = receiveMail("m-0f", "f@example.jp", "相談", "生活のことで相談があります").caseId();

    IngestResult inSubject = receiveMail("m-1", "a@example.jp", crisis, "");
    IngestResult reply = receiveMail("m-2", "b@example.jp", "Re: 相談 [KS-1]", """
        ありがとうございます。来週の火曜日に伺います。

        2026年11月29日(日) 10:00 くらしのサポートコーナー <desk@kurashi.example>:
        > ご連絡ありがとうございます。
        >> %s
        """.formatted(crisis), caseOfB);
    IngestResult outlook = receiveMail("m-3", "c@example.jp", "RE: 相談", """
        承知しました。

        -----Original Message-----
        %s
        """.formatted(crisis), caseOfC);
    IngestResult forwarded = receiveMail("m-4", "d@example.jp", "Fwd: 母から", """
        母からこんなメールが来ました。どうしたらいいでしょうか。
        ---------- Forwarded message ---------
        From: 母 <mother@example.jp>
        Date: 2026年11月28日(土) 23:10
        Subject: ごめんね

        %s
        """.formatted(crisis));
    IngestResult answeredBelow = receiveMail("m-5", "f@example.jp", "Re: 相談", """
        2026年11月29日(日) 10:00 くらしのサポートコーナー <desk@kurashi.example>:
        > 今のお気持ちを教えてください。
        %s
        """.formatted(crisis), caseOfF);
    IngestResult relative = receiveMail("m-6", "g@example.jp", "Re: ごめんね", """
        母からのメールです。

        2026年11月28日(土) 23:10 母 <mother@example.jp>:
        > %s
        """.formatted(crisis));

    assertThat(urgencyOf(inSubject)).as("written in the subject only").isEqualTo("crisis");
    assertThat(urgencyOf(reply)).as("the desk's thread, quoted with >").isNotEqualTo("crisis");
    assertThat(urgencyOf(outlook)).as("the desk's thread, below Outlook's original-message line").isNotEqualTo("crisis");
    assertThat(urgencyOf(forwarded)).as("forwarded by a relative").isEqualTo("crisis");
    assertThat(urgencyOf(answeredBelow)).as("written below the desk's quoted question").isEqualTo("crisis");
    assertThat(urgencyOf(relative)).as("a relative's answer to someone else's mail, not in the desk's thread")
        .isEqualTo("crisis");
    String written = "田中さん <tanaka@city.example.lg.jp> のメールを読みました。\n母が手紙にこう書きました:\n" + crisis;
    assertThat(TriageText.of(new InboundMessage("mail", "m-7", "e@example.jp", null, written, clock.instant(), List.of(),
        "Re: 相談", false, caseOfB))).as("a resident's own lines that look like a mailer's").contains(crisis)
        .contains("田中さん");
  }
}
