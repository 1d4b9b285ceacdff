package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Set-based ingest of a group of messages")
class GroupIngestTest {

  private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
  private static final GroupIngest GROUP = new GroupIngest(MessageStore::ingestOn);

  private Vertx vertx;
  private Database db;
  private long office;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    db = TestDatabases.fresh(vertx, 4);
    office = TestDatabases.defaultOffice(db);
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private static InboundMessage chat(String externalId, String contact, String name, int minute) {
    return new InboundMessage("webchat", externalId, contact, name, "本文 " + externalId, T0.plusSeconds(60L * minute));
  }

  private static InboundMessage with(String channel, String externalId, String contact, int minute, Long caseHint,
                                     List<InboundAttachment> attachments) {
    return new InboundMessage(channel, externalId, contact, null, "本文 " + externalId, T0.plusSeconds(60L * minute),
        attachments, channel.equals("mail") ? "件名 " + externalId : null, false, caseHint);
  }

  private List<GroupIngest.Request> requests(long officeId, List<InboundMessage> messages) {
    return messages.stream().map(m -> new GroupIngest.Request(officeId, m)).toList();
  }

  private List<IngestResult> group(Database on, long officeId, List<InboundMessage> messages) {
    return Await.result(on.pool().withTransaction(conn -> GROUP.on(conn, requests(officeId, messages))));
  }

  /** The reference: INGEST once per message, in order, in one transaction. */
  private static List<IngestResult> oneByOne(Database on, long officeId, List<InboundMessage> messages) {
    return Await.result(on.pool().withTransaction(conn -> {
      List<IngestResult> results = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (InboundMessage m : messages) {
        chain = chain.compose(v -> MessageStore.ingestOn(conn, officeId, m)).map(r -> {
          results.add(r);
          return null;
        });
      }
      return chain.map(v -> results);
    }));
  }

  private List<Row> rows(Database on, String sql) {
    List<Row> rows = new ArrayList<>();
    Await.result(on.pool().query(sql).execute()).forEach(rows::add);
    return rows;
  }

  private long count(String sql) {
    return rows(db, sql).get(0).getLong(0);
  }

  @Test
  @DisplayName("puts two messages of one new contact into one contact and one case, opened by the first")
  void sameNewContactTwice() {
    List<IngestResult> r = group(db, office, List.of(
        chat("n-1", "new", null, 0), chat("n-2", "new", "花子", 5), chat("n-3", "new", null, 3)));

    assertThat(r).extracting(IngestResult::contactId).containsOnly(r.get(0).contactId());
    assertThat(r).extracting(IngestResult::caseId).containsOnly(r.get(0).caseId());
    assertThat(r).extracting(IngestResult::caseOpened).containsExactly(true, false, false);
    assertThat(r).extracting(IngestResult::duplicate).containsOnly(false);
    assertThat(r.get(0).messageId()).isLessThan(r.get(1).messageId());
    assertThat(r.get(1).messageId()).isLessThan(r.get(2).messageId());
    Row contact = rows(db, "SELECT display_name, last_seen_at FROM contact").get(0);
    assertThat(contact.getString("display_name")).isEqualTo("花子");
    assertThat(contact.getOffsetDateTime("last_seen_at").toInstant()).isEqualTo(T0.plusSeconds(300));
    Row kase = rows(db, "SELECT opened_at, last_message_at FROM consultation_case").get(0);
    assertThat(kase.getOffsetDateTime("opened_at").toInstant()).isEqualTo(T0);
    assertThat(kase.getOffsetDateTime("last_message_at").toInstant()).isEqualTo(T0.plusSeconds(300));
    assertThat(count("SELECT count(*) FROM consultation_case")).isEqualTo(1);
  }

  @Test
  @DisplayName("answers a repeat within the group with the first copy, marked duplicate, and stores it once")
  void duplicateWithinGroup() {
    List<IngestResult> r = group(db, office, List.of(chat("d-1", "a", null, 0), chat("d-2", "b", null, 0),
        chat("d-1", "a", null, 0)));

    assertThat(r.get(0).duplicate()).isFalse();
    assertThat(r.get(0).caseOpened()).isTrue();
    assertThat(r.get(2)).isEqualTo(new IngestResult(r.get(0).messageId(), r.get(0).caseId(), r.get(0).contactId(),
        true, false));
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(2);
  }

  @Test
  @DisplayName("answers a message already stored with the stored copy and leaves its contact untouched")
  void duplicateOfStored() {
    IngestResult stored = group(db, office, List.of(chat("s-1", "a", "元の名前", 0), chat("s-0", "z", null, 0))).get(0);
    List<IngestResult> r = group(db, office, List.of(chat("s-1", "a", "別の名前", 9), chat("s-2", "b", null, 9)));

    assertThat(r.get(0)).isEqualTo(new IngestResult(stored.messageId(), stored.caseId(), stored.contactId(), true,
        false));
    assertThat(r.get(1).duplicate()).isFalse();
    Row contact = rows(db, "SELECT display_name, last_seen_at FROM contact WHERE external_id = 'a'").get(0);
    assertThat(contact.getString("display_name")).isEqualTo("元の名前");
    assertThat(contact.getOffsetDateTime("last_seen_at").toInstant()).isEqualTo(T0);
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(3);
  }

  @Test
  @DisplayName("keeps channels apart: the same sender reference on two channels is two contacts and two cases")
  void mixedChannels() {
    List<IngestResult> r = group(db, office, List.of(
        with("line", "x-1", "same", 0, null, List.of()), chat("x-1", "same", null, 1),
        with("line", "x-2", "same", 2, null, List.of())));

    assertThat(r.get(0).contactId()).isNotEqualTo(r.get(1).contactId());
    assertThat(r.get(0).caseId()).isNotEqualTo(r.get(1).caseId());
    assertThat(r.get(2).caseId()).isEqualTo(r.get(0).caseId());
    assertThat(r).extracting(IngestResult::caseOpened).containsExactly(true, true, false);
    assertThat(rows(db, "SELECT channel FROM consultation_case ORDER BY channel"))
        .extracting(row -> row.getString(0)).containsExactly("line", "webchat");
  }

  @Test
  @DisplayName("ends exactly as INGEST once per message would: hints, attachments, closed cases, repeats, names")
  void sameAsOneByOne() {
    Database reference = TestDatabases.fresh(vertx, 4);
    try {
      long refOffice = TestDatabases.defaultOffice(reference);
      List<IngestResult> grouped = group(db, office, scenario(db, office));
      List<IngestResult> expected = oneByOne(reference, refOffice, scenario(reference, refOffice));

      assertThat(describe(db, grouped)).isEqualTo(describe(reference, expected));
      assertThat(snapshot(db)).isEqualTo(snapshot(reference));
    } finally {
      Await.result(reference.close());
    }
  }

  /**
   * Prepares {@code on} (A has an open case and a stored message, B's only case is closed) and returns a
   * group that mixes everything: a contact new in the group twice with times out of order, repeats of stored
   * and of grouped messages, two channels, mail with a hint to an open case and one to a closed case, an
   * attachment in the middle of one contact's messages.
   */
  private static List<InboundMessage> scenario(Database on, long officeId) {
    List<IngestResult> before = oneByOne(on, officeId, List.of(chat("old-a", "A", "A氏", 0), chat("old-b", "B", null, 0)));
    Await.result(on.pool().preparedQuery("UPDATE consultation_case SET status = 'closed' WHERE id = $1")
        .execute(Tuple.of(before.get(1).caseId())));
    long openOfA = before.get(0).caseId();
    long closedOfB = before.get(1).caseId();
    byte[] file = "添付".getBytes(StandardCharsets.UTF_8);
    return List.of(
        chat("m-1", "A", "A-1", 7),
        chat("m-2", "C", null, 9),
        chat("m-3", "C", "シー", 8),
        chat("old-a", "A", "上書きされない", 10),
        with("line", "m-1", "A", 11, null, List.of()),
        chat("m-2", "C", null, 9),
        chat("m-4", "B", null, 12),
        with("mail", "<d1@x>", "d@example.jp", 13, openOfA, List.of()),
        with("mail", "<d2@x>", "d@example.jp", 14, closedOfB, List.of()),
        with("mail", "<d3@x>", "d@example.jp", 12, null, List.of()),
        with("webchat", "m-5", "E", 15, null, List.of(new InboundAttachment("text/plain", "a.txt", file))),
        chat("m-6", "E", "イー", 16),
        chat("m-7", "A", "A-7", 5));
  }

  /** Results in terms that do not depend on id values: who, which case (by its opening), what happened. */
  private List<String> describe(Database on, List<IngestResult> results) {
    List<String> out = new ArrayList<>();
    for (IngestResult r : results) {
      Row m = rows(on, "SELECT m.channel, m.external_id, k.external_id AS contact, c.opened_at, c.channel AS case_channel,"
          + " m.contact_id = " + r.contactId() + " AS same_contact FROM message m JOIN contact k ON k.id = m.contact_id"
          + " JOIN consultation_case c ON c.id = " + r.caseId() + " WHERE m.id = " + r.messageId()).get(0);
      out.add(m.getString("channel") + " " + m.getString("external_id") + " from " + m.getString("contact")
          + " case " + m.getString("case_channel") + "@" + m.getOffsetDateTime("opened_at") + " sameContact="
          + m.getBoolean("same_contact") + " duplicate=" + r.duplicate() + " opened=" + r.caseOpened());
    }
    return out;
  }

  private List<String> snapshot(Database on) {
    List<String> out = new ArrayList<>();
    rows(on, "SELECT channel, external_id, display_name, last_seen_at FROM contact ORDER BY channel, external_id")
        .forEach(r -> out.add("contact " + line(r)));
    rows(on, "SELECT k.channel, k.external_id, c.status, c.opened_at, c.last_message_at, c.last_inbound_at"
        + " FROM consultation_case c JOIN contact k ON k.id = c.contact_id ORDER BY c.opened_at, k.external_id, c.status")
        .forEach(r -> out.add("case " + line(r)));
    // Messages in id order: within the group ids follow the order the messages came in.
    rows(on, "SELECT m.channel, m.external_id, k.external_id AS contact, c.opened_at, m.body, m.created_at, m.subject,"
        + " m.automated, (SELECT count(*) FROM attachment a WHERE a.message_id = m.id) AS files"
        + " FROM message m JOIN contact k ON k.id = m.contact_id JOIN consultation_case c ON c.id = m.case_id ORDER BY m.id")
        .forEach(r -> out.add("message " + line(r)));
    return out;
  }

  @Test
  @DisplayName("leaves a message another transaction is storing to that one: no row, no second copy")
  void raceWithAnotherTransaction() {
    Promise<Void> firstStored = Promise.promise();
    Promise<Void> commitFirst = Promise.promise();
    Future<List<IngestResult>> first = db.pool().withTransaction(conn -> GROUP.on(conn,
            requests(office, List.of(chat("r-1", "a", null, 0), chat("r-2", "b", null, 0))))
        .compose(r -> {
          firstStored.complete();
          return commitFirst.future().map(r);
        }));
    Await.result(firstStored.future());
    // The second group waits on r-2 until the first commits, then finds it taken.
    Future<List<IngestResult>> second = db.pool().withTransaction(conn -> GROUP.on(conn,
        requests(office, List.of(chat("r-2", "b", null, 0), chat("r-3", "c", null, 0)))));
    sleep(300);
    assertThat(second.isComplete()).isFalse();
    commitFirst.complete();

    List<IngestResult> won = Await.result(first);
    List<IngestResult> lost = Await.result(second);
    assertThat(lost.get(0)).isNull();
    assertThat(lost.get(1).duplicate()).isFalse();
    assertThat(won).doesNotContainNull();
    assertThat(count("SELECT count(*) FROM message WHERE external_id = 'r-2'")).isEqualTo(1);
  }

  @Test
  @DisplayName("the group commit answers a message lost to another transaction with the stored copy")
  void groupCommitAnswersRacedMessages() {
    GroupCommit commit = new GroupCommit(db.pool(), MessageStore::ingestOn, 64, 4);
    List<Future<IngestResult>> all = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 10; i++) {
        all.add(commit.submit(office, chat("race-" + i, "c-" + i, null, 0)));
      }
    }
    Await.result(Future.all(all));
    assertThat(all.stream().filter(f -> !f.result().duplicate()).count()).isEqualTo(10);
    assertThat(all.stream().map(f -> f.result().messageId()).distinct().count()).isEqualTo(10);
    assertThat(count("SELECT count(*) FROM message")).isEqualTo(10);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String line(Row r) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.size(); i++) {
      b.append(r.getColumnName(i)).append('=').append(r.getValue(i)).append(' ');
    }
    return b.toString();
  }
}
