package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

@ExtendWith(VertxExtension.class)
@DisplayName("The inbound pipeline")
class InboundPipelineTest {

  private static final Clock clock = TestClocks.ambient();

  private Database db;
  private InboundPipeline pipeline;
  private final List<CaseEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 16);
    long office = TestDatabases.defaultOffice(db);
    CaseEvents bus = CaseEvents.inProcess(vertx);
    bus.subscribe(events::add);
    pipeline = new InboundPipeline(office, new MessageStore(db.pool(), clock), bus, List.of());
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private static InboundMessage message(String externalId, String contact, String text) {
    return new InboundMessage("webchat", externalId, contact, null, text, clock.instant());
  }

  private long count(String sql) {
    Row row = Await.result(db.pool().query(sql).execute()).iterator().next();
    return row.getLong(0);
  }

  @Test
  @DisplayName("opens a case for a new contact and keeps later messages in it")
  void opensCaseThenReusesIt() {
    IngestResult first = Await.result(pipeline.receive(message("m-1", "c-1", "家賃が払えません")));
    IngestResult second = Await.result(pipeline.receive(message("m-2", "c-1", "どうすればいいですか")));

    assertThat(first.caseOpened()).isTrue();
    assertThat(second.caseOpened()).isFalse();
    assertThat(second.caseId()).isEqualTo(first.caseId());
    assertThat(second.messageId()).isNotEqualTo(first.messageId());
    assertThat(count("SELECT count(*) FROM contact")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM consultation_case")).isEqualTo(1);
  }

  @Test
  @DisplayName("stores a repeated external id once and answers with the first message's id")
  void repeatedExternalIdIsNoOp() {
    IngestResult first = Await.result(pipeline.receive(message("dup-1", "c-1", "はじめまして")));
    IngestResult again = Await.result(pipeline.receive(message("dup-1", "c-1", "はじめまして")));

    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(first.messageId());
    assertThat(again.caseId()).isEqualTo(first.caseId());
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(1);
  }

  @Test
  @DisplayName("stores a message once under 50 concurrent duplicates")
  void concurrentDuplicatesStoredOnce() {
    List<Future<IngestResult>> all = new ArrayList<>();
    IntStream.range(0, 50).forEach(i -> all.add(pipeline.receive(message("race-1", "c-race", "食べるものがない"))));
    Await.result(Future.all(all));

    List<Long> ids = all.stream().map(f -> f.result().messageId()).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(all.stream().filter(f -> !f.result().duplicate()).count()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM consultation_case")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM contact")).isEqualTo(1);
  }

  @Test
  @DisplayName("opens a new case when the contact's last case was closed")
  void newCaseAfterClose() {
    IngestResult first = Await.result(pipeline.receive(message("a-1", "c-2", "相談です")));
    Await.result(db.pool().query("UPDATE consultation_case SET status = 'closed'").execute());
    IngestResult later = Await.result(pipeline.receive(message("a-2", "c-2", "また相談です")));
    IngestResult replay = Await.result(pipeline.receive(message("a-1", "c-2", "相談です")));

    assertThat(later.caseOpened()).isTrue();
    assertThat(later.caseId()).isNotEqualTo(first.caseId());
    assertThat(replay.duplicate()).isTrue();
    assertThat(replay.caseId()).isEqualTo(first.caseId());
    assertThat(count("SELECT count(*) FROM consultation_case")).isEqualTo(2);
  }

  @Test
  @DisplayName("stores one delivery's messages together, duplicates included")
  void batchInOneTransaction() {
    List<IngestResult> results = Await.result(pipeline.receiveAll(List.of(
        message("b-1", "c-3", "一つ目"), message("b-2", "c-4", "二つ目"), message("b-1", "c-3", "一つ目"))));

    assertThat(results).hasSize(3);
    assertThat(results.get(2).duplicate()).isTrue();
    assertThat(results.get(2).messageId()).isEqualTo(results.get(0).messageId());
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(2);
  }

  @Test
  @DisplayName("drops control characters PostgreSQL cannot store, keeps the text")
  void storesTextWithNul() {
    Await.result(pipeline.receive(message("n-1", "c-5", "助けて\u0000ください\r\n")));
    Row row = Await.result(db.pool().query("SELECT body FROM message").execute()).iterator().next();
    assertThat(row.getString("body")).isEqualTo("助けてください\n");
  }

  @Test
  @DisplayName("treats a subject and a name as text too: no NUL, one line, bounded")
  void cleansSubjectAndName() {
    Await.result(pipeline.receive(new InboundMessage("mail", "<s-1@example.jp>", "s@example.jp",
        "田中\u0000\n" + "名".repeat(500), "本文", Instant.now(), List.of(), "家賃\u0000の\r\n相談" + "題".repeat(2000),
        false, null)));
    Row row = Await.result(db.pool().query(
        "SELECT m.subject, c.display_name FROM message m JOIN contact c ON c.id = m.contact_id").execute()).iterator().next();
    assertThat(row.getString("subject")).startsWith("家賃の 相談題").hasSize(InboundText.MAX_SUBJECT_LENGTH);
    assertThat(row.getString("display_name")).startsWith("田中 名").hasSize(InboundText.MAX_NAME_LENGTH);
  }

  @Test
  @DisplayName("publishes one event per new message after commit, none for a duplicate")
  void publishesAfterCommit() {
    IngestResult r = Await.result(pipeline.receive(message("e-1", "c-6", "こんにちは")));
    Await.result(pipeline.receive(message("e-1", "c-6", "こんにちは")));
    Await.until(Duration.ofSeconds(5), "event", () -> !events.isEmpty());

    CaseEvent event = events.get(0);
    assertThat(event.type()).isEqualTo(CaseEvent.MESSAGE_RECEIVED);
    assertThat(event.caseId()).isEqualTo(r.caseId());
    assertThat(event.messageId()).isEqualTo(r.messageId());
    assertThat(count("SELECT count(*) FROM message WHERE id = " + event.messageId())).isEqualTo(1);
    assertThat(events).hasSize(1);
  }
}
