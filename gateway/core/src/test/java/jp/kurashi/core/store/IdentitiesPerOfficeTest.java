package jp.kurashi.core.store;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Channel identities and message ids are unique per office (V29)")
class IdentitiesPerOfficeTest {

  private static final Instant T0 = Instant.parse("2026-11-26T01:00:00Z");

  private Database db;
  private MessageStore messages;
  private ContactStore contacts;
  private long suita;
  private long yodogawa;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 4);
    Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    messages = new MessageStore(db.pool(), clock);
    contacts = new ContactStore(db.pool(), clock);
    suita = Await.result(new OfficeStore(db.pool()).ensure("suita", "吹田市"));
    yodogawa = Await.result(new OfficeStore(db.pool()).ensure("yodogawa", "淀川区"));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private static InboundMessage mail(String messageId, String from, String text) {
    return new InboundMessage("mail", messageId, from, null, text, T0);
  }

  private List<Row> rows(String sql) {
    List<Row> out = new ArrayList<>();
    Await.result(db.pool().query(sql).execute()).forEach(out::add);
    return out;
  }

  @Test
  @DisplayName("one mail sent to two wards' mailboxes lands in both, as two contacts and two cases")
  void sameMailTwoOffices() {
    IngestResult a = Await.result(messages.ingest(suita, mail("<m1@example.jp>", "taro@example.jp", "家賃が払えません")));
    IngestResult b = Await.result(messages.ingest(yodogawa, mail("<m1@example.jp>", "taro@example.jp", "家賃が払えません")));

    assertThat(a.duplicate()).isFalse();
    assertThat(b.duplicate()).isFalse();
    assertThat(b.caseId()).isNotEqualTo(a.caseId());
    assertThat(b.contactId()).isNotEqualTo(a.contactId());
    assertThat(rows("SELECT c.office_id, m.office_id FROM consultation_case c JOIN message m ON m.case_id = c.id "
        + "ORDER BY m.id")).extracting(r -> List.of(r.getLong(0), r.getLong(1)))
        .containsExactly(List.of(suita, suita), List.of(yodogawa, yodogawa));

    // A redelivery is still one message per office.
    IngestResult again = Await.result(messages.ingest(yodogawa, mail("<m1@example.jp>", "taro@example.jp", "家賃")));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.messageId()).isEqualTo(b.messageId());
  }

  @Test
  @DisplayName("a group delivery with the same id for two offices stores one message in each")
  void groupAcrossOffices() {
    GroupIngest group = new GroupIngest(MessageStore::ingestOn);
    List<IngestResult> results = Await.result(db.pool().withTransaction(conn -> group.on(conn, List.of(
        new GroupIngest.Request(suita, mail("<g1@example.jp>", "hanako@example.jp", "一")),
        new GroupIngest.Request(yodogawa, mail("<g1@example.jp>", "hanako@example.jp", "一")),
        new GroupIngest.Request(suita, mail("<g2@example.jp>", "hanako@example.jp", "二"))))));

    assertThat(results).extracting(IngestResult::duplicate).containsExactly(false, false, false);
    assertThat(results.get(1).caseId()).isNotEqualTo(results.get(0).caseId());
    assertThat(results.get(2).caseId()).isEqualTo(results.get(0).caseId());
    assertThat(rows("SELECT count(*) FROM contact").get(0).getLong(0)).isEqualTo(2L);
  }

  @Test
  @DisplayName("contact look-ups and changes stay in their office")
  void contactsPerOffice() {
    Await.result(messages.ingest(suita, new InboundMessage("line", "e1", "U1", null, "こんにちは", T0)));
    Await.result(messages.ingest(yodogawa, new InboundMessage("line", "e2", "U1", null, "こんにちは", T0)));

    assertThat(Await.result(contacts.setReachable(suita, "line", "U1", false))).isTrue();
    assertThat(Await.result(contacts.find(suita, "line", "U1")).orElseThrow().reachable()).isFalse();
    assertThat(Await.result(contacts.find(yodogawa, "line", "U1")).orElseThrow().reachable()).isTrue();
    long other = Await.result(new OfficeStore(db.pool()).ensure("nishi", "西区"));
    assertThat(Await.result(contacts.find(other, "line", "U1"))).isEmpty();
  }

  @Test
  @DisplayName("a staff reply carries its case's office")
  void replyCarriesOffice() {
    IngestResult in = Await.result(messages.ingest(yodogawa, new InboundMessage("line", "e3", "U3", null, "相談", T0)));
    Await.result(db.pool().query("INSERT INTO message (case_id, contact_id, channel, direction, body, delivery) "
        + "VALUES (" + in.caseId() + ", " + in.contactId() + ", 'line', 'note', 'メモ', 'none')").execute());
    assertThat(rows("SELECT DISTINCT office_id FROM message")).extracting(r -> r.getLong(0)).containsExactly(yodogawa);
  }
}
