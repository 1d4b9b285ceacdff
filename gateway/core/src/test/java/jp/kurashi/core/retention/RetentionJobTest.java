package jp.kurashi.core.retention;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.channel.ChannelRetention;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.ReportStore;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention on a real database at the suite's moment: cases, contacts, complaints, audit rows, and a channel's own rows
 * through its {@link jp.kurashi.core.channel.ChannelRetention} (the real channels' are tested in their modules).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The retention job")
class RetentionJobTest {

  /** Two cases per batch, so the three erasable cases take several transactions. */
  private static final RetentionSettings SETTINGS = new RetentionSettings(5, 10, 2, Duration.ofHours(1),
      Duration.ofDays(1));

  private final Clock clock = TestClocks.ambient();
  private final ZonedDateTime now = clock.instant().atZone(TestClocks.TOKYO);
  private Database db;
  private long office;
  private long staff;
  private RetentionJob job;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 4);
    office = TestDatabases.defaultOffice(db);
    staff = one("INSERT INTO staff (office_id, login, display_name, role, password_hash) VALUES ($1, 'sato', '佐藤', "
        + "'consultant', 'x') RETURNING id", office).getLong(0);
    job = new RetentionJob(new RetentionStore(db.pool()), SETTINGS, clock);
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private Row one(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next();
  }

  private long count(String sql, Object... params) {
    return one(sql, params).getLong(0);
  }

  private void sql(String sql, Object... params) {
    Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  private OffsetDateTime ago(Duration d) {
    return now.toInstant().minus(d).atOffset(ZoneOffset.UTC);
  }

  private OffsetDateTime yearsAgo(int years, int days) {
    return now.minusYears(years).minusDays(days).toInstant().atOffset(ZoneOffset.UTC);
  }

  private long contact(String channel, String ref, String name) {
    return one("INSERT INTO contact (office_id, channel, external_id, display_name, last_seen_at) "
        + "VALUES ($1, $2, $3, $4, $5) RETURNING id", office, channel, ref, name, yearsAgo(7, 0)).getLong(0);
  }

  /**
   * A case opened {@code opened}, closed at {@code closed} (or open when null), with an inbound message carrying an
   * attachment and triage findings, a staff reply 30 minutes later, a note, a referral handoff, an outbox row and an
   * audit row.
   */
  private long seededCase(long contact, String channel, OffsetDateTime opened, OffsetDateTime closed) {
    long caseId = one("""
        INSERT INTO consultation_case (office_id, contact_id, channel, urgency, categories, opened_at, last_message_at,
                                       status, closed_at, outcome, assignee_id, mail_token)
        VALUES ($1, $2, $3, 'urgent', '{debt,food}', $4, $4, $5, $6, $7, $8, '0123abcd') RETURNING id""",
        office, contact, channel, opened, closed == null ? "open" : "closed", closed, closed == null ? null : "referred",
        staff).getLong(0);
    long in = one("""
        INSERT INTO message (case_id, contact_id, channel, direction, external_id, body, delivery, created_at, subject)
        VALUES ($1, $2, $3, 'in', $4, '借金があって食べ物もありません', 'received', $5, '相談') RETURNING id""",
        caseId, contact, channel, "ext-" + caseId, opened).getLong(0);
    sql("INSERT INTO attachment (message_id, content_type, file_name, size_bytes, data) VALUES ($1, 'image/png', "
        + "'letter.png', 3, $2)", in, Buffer.buffer(new byte[] {1, 2, 3}));
    sql("INSERT INTO triage_result (message_id, case_id, categories, urgency, matched) VALUES ($1, $2, '{debt}', "
        + "'urgent', '[\"借金\"]')", in, caseId);
    sql("INSERT INTO triage_correction (case_id, staff_id, previous_categories, previous_urgency, categories, urgency) "
        + "VALUES ($1, $2, '{debt}', 'urgent', '{debt,food}', 'urgent')", caseId, staff);
    long out = one("""
        INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at)
        VALUES ($1, $2, $3, 'out', 'お話を伺います', $4, 'sent', $5) RETURNING id""",
        caseId, contact, channel, staff, opened.plusMinutes(30)).getLong(0);
    sql("INSERT INTO outbox (message_id, channel, idempotency_key, status) VALUES ($1, $2, gen_random_uuid(), 'sent')",
        out, channel);
    sql("INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at) "
        + "VALUES ($1, $2, $3, 'note', '家族に知られたくないとのこと', $4, 'none', $5)", caseId, contact, channel, staff,
        opened.plusMinutes(40));
    sql("INSERT INTO handoff (case_id, kind, at, note, message_id, staff_id, created_at) "
        + "VALUES ($1, 'referral', $2, '法テラスに紹介', $3, $4, $2)", caseId, opened.plusDays(2), out, staff);
    sql("INSERT INTO audit_log (staff_id, case_id, action, allowed) VALUES ($1, $2, 'case.read', true)", staff, caseId);
    return caseId;
  }

  private long messages(long caseId) {
    return count("SELECT count(*) FROM message WHERE case_id = $1", caseId);
  }

  private ReportStore.Figures report(OffsetDateTime opened) {
    ZonedDateTime tokyo = opened.atZoneSameInstant(TestClocks.TOKYO);
    int fiscalYear = tokyo.getMonthValue() >= 4 ? tokyo.getYear() : tokyo.getYear() - 1;
    return Await.result(new ReportStore(db.pool()).fiscalYear(office, fiscalYear));
  }

  @Test
  @DisplayName("erases a case closed six years ago, keeps one closed four years ago and an open one from seven")
  void erasesPastRetention() {
    OffsetDateTime oldOpened = yearsAgo(6, 40);
    long line = contact("line", "U0123456789abcdef", "山田 花子");
    long erased = seededCase(line, "line", oldOpened, yearsAgo(6, 0));
    long mail = contact("mail", "hanako@example.jp", "山田");
    long recent = seededCase(mail, "mail", yearsAgo(4, 40), yearsAgo(4, 0));
    long chat = contact("webchat", "chat-ref-1", null);
    long open = seededCase(chat, "webchat", yearsAgo(7, 0), null);
    for (long c : new long[] {erased, recent}) {
      sql("INSERT INTO case_accommodation (case_id, needs, note, updated_by, updated_at) VALUES ($1, '{writing}', '左耳が聞こえにくい', $2, now())",
          c, staff);
      sql("INSERT INTO case_milestone (office_id, case_id, kind, done_on, note, recorded_by, recorded_at) "
          + "VALUES ($1, $2, 'plan', '2020-01-10', '就労支援', $3, $4)", office, c, staff, yearsAgo(6, 20));
    }

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(count("SELECT count(*) FROM case_accommodation WHERE case_id = $1", erased)).isZero();
    assertThat(count("SELECT count(*) FROM case_accommodation WHERE case_id = $1", recent)).isOne();
    assertThat(count("SELECT count(*) FROM case_milestone WHERE case_id = $1 AND note IS NULL AND kind = 'plan'", erased)).isOne();
    assertThat(count("SELECT count(*) FROM case_milestone WHERE case_id = $1 AND note = '就労支援'", recent)).isOne();
    assertThat(run.cases().cases()).isEqualTo(1);
    assertThat(messages(erased)).isZero();
    assertThat(count("SELECT count(*) FROM attachment")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", line)).isZero();
    assertThat(count("SELECT count(*) FROM contact WHERE external_id = 'U0123456789abcdef' OR display_name = '山田 花子'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM triage_result WHERE case_id = $1", erased)).isZero();
    assertThat(count("SELECT count(*) FROM triage_correction WHERE case_id = $1", erased)).isZero();
    Row tombstone = one("SELECT contact_id, assignee_id, mail_token, erased_at, categories, outcome FROM consultation_case "
        + "WHERE id = $1", erased);
    assertThat(tombstone.getValue("contact_id")).isNull();
    assertThat(tombstone.getValue("assignee_id")).isNull();
    assertThat(tombstone.getValue("mail_token")).isNull();
    assertThat(tombstone.getValue("erased_at")).isNotNull();
    assertThat(tombstone.getArrayOfStrings("categories")).containsExactly("debt", "food");
    Row handoff = one("SELECT kind, note, at, message_id FROM handoff WHERE case_id = $1", erased);
    assertThat(handoff.getString("kind")).isEqualTo("referral");
    assertThat(handoff.getValue("note")).isNull();
    assertThat(handoff.getValue("at")).isNull();
    assertThat(count("SELECT count(*) FROM audit_log WHERE case_id = $1", erased)).isOne();

    assertThat(messages(recent)).isEqualTo(3);
    assertThat(messages(open)).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM contact WHERE id IN ($1, $2)", mail, chat)).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM handoff WHERE note IS NOT NULL")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE erased_at IS NOT NULL")).isOne();
  }

  @Test
  @DisplayName("a case merged into one that goes on keeps its handoffs, notes and findings; it goes with the kept case, "
      + "also through a chain of merges")
  void mergedGoWithTheKeptCase() {
    long line = contact("line", "U-merged", "合併 花子");
    long first = seededCase(line, "line", yearsAgo(8, 40), yearsAgo(8, 0));
    long middle = seededCase(line, "line", yearsAgo(7, 40), yearsAgo(7, 0));
    long kept = seededCase(line, "line", yearsAgo(6, 40), null);
    sql("UPDATE consultation_case SET merged_into = $2 WHERE id = $1", first, middle);
    sql("UPDATE consultation_case SET merged_into = $2 WHERE id = $1", middle, kept);

    assertThat(Await.result(job.runOnce()).held()).as("held past retention, counted for the operator").isEqualTo(2);

    assertThat(count("SELECT count(*) FROM consultation_case WHERE erased_at IS NOT NULL")).as("the kept case is open")
        .isZero();
    assertThat(count("SELECT count(*) FROM handoff WHERE note IS NOT NULL")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM triage_result")).isEqualTo(3);

    sql("UPDATE consultation_case SET status = 'closed', closed_at = $2, outcome = 'referred' WHERE id = $1", kept,
        yearsAgo(6, 0));
    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(run.cases().cases()).isEqualTo(3);
    assertThat(run.held()).isZero();
    assertThat(count("SELECT count(*) FROM consultation_case WHERE erased_at IS NULL")).isZero();
    assertThat(count("SELECT count(*) FROM handoff WHERE note IS NOT NULL")).isZero();
    assertThat(count("SELECT count(*) FROM message")).isZero();
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", line)).isZero();
  }

  @Test
  @DisplayName("a case merged, before this rule, into one already erased goes at the next run")
  void mergedIntoAnErasedCase() {
    long line = contact("line", "U-orphan", "残り 太郎");
    long away = seededCase(line, "line", yearsAgo(8, 40), yearsAgo(8, 0));
    long gone = seededCase(contact("line", "U-gone", null), "line", yearsAgo(7, 40), yearsAgo(7, 0));
    sql("UPDATE consultation_case SET merged_into = $2 WHERE id = $1", away, gone);
    sql("UPDATE consultation_case SET erased_at = now(), contact_id = NULL WHERE id = $1", gone);

    Await.result(job.runOnce());

    assertThat(one("SELECT erased_at FROM consultation_case WHERE id = $1", away).getValue(0)).isNotNull();
    assertThat(messages(away)).isZero();
  }

  @Test
  @DisplayName("a closed case written in since the cut-off (a follow-up reply, a note) is counted from that writing")
  void laterWritingKeepsTheCase() {
    long mail = contact("mail", "later@example.jp", "後日 一郎");
    long caseId = seededCase(mail, "mail", yearsAgo(6, 40), yearsAgo(6, 0));
    long reply = one("INSERT INTO message (case_id, contact_id, channel, direction, body, staff_id, delivery, created_at) "
        + "VALUES ($1, $2, 'mail', 'out', 'その後いかがですか', $3, 'queued', $4) RETURNING id",
        caseId, mail, staff, yearsAgo(0, 3)).getLong(0);
    sql("INSERT INTO outbox (message_id, channel, idempotency_key) VALUES ($1, 'mail', gen_random_uuid())", reply);
    long called = seededCase(contact("line", "U-called", "電話 花子"), "line", yearsAgo(6, 40), yearsAgo(6, 0));
    sql("INSERT INTO case_contact_log (office_id, case_id, kind, at, note, staff_id, recorded_at) "
        + "VALUES ($1, $2, 'phone_call', $3, 'その後の様子を電話で確認', $4, $3)", office, called, yearsAgo(0, 1), staff);
    long untouched = seededCase(contact("line", "U-untouched", null), "line", yearsAgo(6, 40), yearsAgo(6, 0));

    Await.result(job.runOnce());

    assertThat(one("SELECT erased_at FROM consultation_case WHERE id = $1", caseId).getValue(0)).isNull();
    assertThat(count("SELECT count(*) FROM outbox WHERE message_id = $1", reply)).as("the reply still goes").isOne();
    assertThat(one("SELECT erased_at FROM consultation_case WHERE id = $1", called).getValue(0))
        .as("a contact made yesterday").isNull();
    assertThat(count("SELECT count(*) FROM case_contact_log WHERE note IS NOT NULL")).isOne();
    assertThat(one("SELECT erased_at FROM consultation_case WHERE id = $1", untouched).getValue(0)).isNotNull();
  }

  @Test
  @DisplayName("a complaint still being handled, or closed since the cut-off, keeps its words when its case is erased; "
      + "they go once it is closed and past retention")
  void openComplaintKeepsItsWords() {
    long erased = seededCase(contact("line", "U-open-complaint", null), "line", yearsAgo(6, 40), yearsAgo(6, 0));
    String insert = "INSERT INTO complaint (office_id, case_id, received_at, channel, summary, responsible_id, "
        + "response, closed_on, recorded_by, recorded_at) VALUES ($1, $2, $3, 'phone', $4, $5, $6, $7, $5, $3)";
    sql(insert, office, erased, yearsAgo(6, 30), "対応中の苦情", staff, null, null);
    sql(insert, office, erased, yearsAgo(6, 30), "先月終えた苦情", staff, "説明しました", yearsAgo(0, 30).toLocalDate());
    sql(insert, office, erased, yearsAgo(6, 30), "昔の苦情", staff, "説明しました", yearsAgo(6, 20).toLocalDate());

    Await.result(job.runOnce());

    assertThat(count("SELECT count(*) FROM complaint WHERE case_id IS NOT NULL")).isZero();
    assertThat(count("SELECT count(*) FROM complaint WHERE summary IN ('対応中の苦情', '先月終えた苦情')")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM complaint WHERE response IS NOT NULL")).isOne();
    assertThat(count("SELECT count(*) FROM complaint WHERE summary = '昔の苦情'")).isZero();
    assertThat(one("SELECT erased_at FROM consultation_case WHERE id = $1", erased).getValue(0)).isNotNull();
  }

  @Test
  @DisplayName("leaves every figure of the erased case's fiscal year as it was, run after run")
  void reportUnchanged() {
    OffsetDateTime opened = yearsAgo(6, 40);
    seededCase(contact("line", "U1", "一"), "line", opened, yearsAgo(6, 0));
    seededCase(contact("line", "U2", "二"), "line", opened.plusHours(1), yearsAgo(6, 0));
    seededCase(contact("mail", "three@example.jp", "三"), "mail", opened.plusHours(2), yearsAgo(5, 1));
    ReportStore.Figures before = report(opened);
    String month = opened.atZoneSameInstant(TestClocks.TOKYO).toString().substring(0, 7);
    assertThat(before.medianFirstResponse()).containsEntry(month, 30.0);
    assertThat(before.handoffs().get(month)).containsEntry("referral", 3L);
    assertThat(before.byChannel().get(month)).containsEntry("line", 2L).containsEntry("mail", 1L);

    assertThat(Await.result(job.runOnce()).cases().cases()).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM message")).isZero();
    assertThat(report(opened)).isEqualTo(before);

    assertThat(Await.result(job.runOnce()).cases().cases()).isZero();
    assertThat(report(opened)).isEqualTo(before);
  }

  @Test
  @DisplayName("keeps a contact that still has a live case, and erases one whose cases are all erased or who never wrote")
  void contacts() {
    long both = contact("line", "U-both", "両方");
    long old = seededCase(both, "line", yearsAgo(6, 40), yearsAgo(6, 0));
    long live = seededCase(both, "line", yearsAgo(1, 0), null);
    long chat = contact("webchat", "chat-ref-2", null);
    seededCase(chat, "webchat", yearsAgo(6, 10), yearsAgo(6, 0));
    // A LINE follow that never wrote.
    contact("line", "U-follow-only", "フォローだけ");

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(messages(old)).isZero();
    assertThat(messages(live)).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1 AND external_id = 'U-both'", both)).isOne();
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", chat)).isZero();
    assertThat(count("SELECT count(*) FROM contact WHERE external_id = 'U-follow-only'")).isZero();
    assertThat(run.cases().contacts()).isOne();
    assertThat(run.leftovers().contacts()).isOne();
  }

  @Test
  @DisplayName("erases a contact that never wrote nor consented (a LINE follow or block) after a month, not one that consented")
  void silentContacts() {
    long followed = one("INSERT INTO contact (office_id, channel, external_id, reachable, reachability_at, last_seen_at) "
        + "VALUES ($1, 'line', 'U-followed', true, $2, $2) RETURNING id", office, ago(Duration.ofDays(31))).getLong(0);
    long recent = one("INSERT INTO contact (office_id, channel, external_id, reachable, reachability_at, last_seen_at) "
        + "VALUES ($1, 'line', 'U-recent', false, $2, $2) RETURNING id", office, ago(Duration.ofDays(29))).getLong(0);
    // Followed 40 days ago, blocked yesterday: LINE may still redeliver that day's events.
    long blocked = one("INSERT INTO contact (office_id, channel, external_id, reachable, reachability_at, last_seen_at) "
        + "VALUES ($1, 'line', 'U-blocked', false, $2, $3) RETURNING id", office, ago(Duration.ofDays(1)),
        ago(Duration.ofDays(40))).getLong(0);
    long consented = one("INSERT INTO contact (office_id, channel, external_id, consent_at, consent_version, "
        + "last_seen_at) VALUES ($1, 'line', 'U-consented', $2, 'v1', $2) RETURNING id", office,
        ago(Duration.ofDays(31))).getLong(0);

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", followed)).isZero();
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", recent)).as("LINE may still redeliver").isOne();
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", blocked)).as("its last event is recent").isOne();
    assertThat(count("SELECT count(*) FROM contact WHERE id = $1", consented)).as("kept as long as cases")
        .isOne();
    assertThat(run.leftovers().contacts()).isOne();
  }

  @Test
  @DisplayName("erases the words of complaints about an erased case or closed past retention, keeping the register's entries")
  void complaints() {
    long line = contact("line", "U-complainer", "苦情 太郎");
    long erased = seededCase(line, "line", yearsAgo(6, 40), yearsAgo(6, 0));
    String insert = "INSERT INTO complaint (office_id, case_id, received_at, channel, summary, responsible_id, response, "
        + "closed_on, recorded_by, recorded_at) VALUES ($1, $2, $3, 'phone', $4, $5, '説明しました', $6, $5, $3)";
    sql(insert, office, erased, yearsAgo(6, 20), "山田さんの件で返信が遅い", staff, yearsAgo(6, 10).toLocalDate());
    sql(insert, office, null, yearsAgo(6, 20), "窓口で待たされた(鈴木)", staff, yearsAgo(6, 10).toLocalDate());
    sql(insert, office, null, yearsAgo(1, 20), "電話がつながらない", staff, yearsAgo(1, 10).toLocalDate());

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(count("SELECT count(*) FROM complaint")).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM complaint WHERE summary LIKE '%山田%' OR summary LIKE '%鈴木%'")).isZero();
    assertThat(count("SELECT count(*) FROM complaint WHERE response IS NULL AND case_id IS NULL")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM complaint WHERE summary = '電話がつながらない' AND response IS NOT NULL")).isOne();
    assertThat(run.leftovers().complaints()).isEqualTo(1);
  }

  /**
   * A channel's own rows, as a plug-in keeps them: one per message it carried, one per contact (a session), and
   * rows that belong to neither; {@code failing} makes its statement in the case batch fail.
   */
  private static final class RowsRetention implements ChannelRetention {

    volatile boolean failing;
    final List<List<String>> contactCalls = new CopyOnWriteArrayList<>();

    @Override
    public Future<Integer> eraseWithCases(SqlConnection conn, Long[] caseIds) {
      return conn.preparedQuery(failing ? "SELECT 1 / 0" : "DELETE FROM channel_row WHERE message_id IN "
          + "(SELECT id FROM message WHERE case_id = ANY($1))").execute(failing ? Tuple.tuple() : Tuple.of((Object) caseIds))
          .map(RowSet::rowCount);
    }

    @Override
    public Future<Integer> eraseWithContacts(SqlConnection conn, List<String> externalIds) {
      contactCalls.add(externalIds);
      return conn.preparedQuery("DELETE FROM channel_row WHERE contact_ref = ANY($1)")
          .execute(Tuple.of((Object) externalIds.toArray(String[]::new))).map(RowSet::rowCount);
    }

    @Override
    public Future<Integer> eraseLeftovers(SqlConnection conn, Instant before, int limit) {
      return conn.preparedQuery("DELETE FROM channel_row WHERE id IN (SELECT id FROM channel_row WHERE message_id IS "
          + "NULL AND contact_ref IS NULL AND seen_at < $1 LIMIT $2)")
          .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), (long) limit)).map(RowSet::rowCount);
    }

    @Override
    public Future<Integer> prune(SqlClient client, Instant now, int limit) {
      return client.preparedQuery("UPDATE channel_row SET payload = NULL WHERE id IN (SELECT id FROM channel_row "
          + "WHERE payload IS NOT NULL AND seen_at < $1 LIMIT $2)")
          .execute(Tuple.of(now.minus(Duration.ofDays(30)).atOffset(ZoneOffset.UTC), (long) limit)).map(RowSet::rowCount);
    }
  }

  private RowsRetention rowsChannel() {
    sql("""
        CREATE TABLE channel_row (id bigserial PRIMARY KEY, message_id bigint REFERENCES message (id),
                                  contact_ref text, payload text, seen_at timestamptz NOT NULL)""");
    RowsRetention rows = new RowsRetention();
    job = new RetentionJob(new RetentionStore(db.pool(), Map.of("rows", rows)), SETTINGS, clock);
    return rows;
  }

  private void channelRow(Long message, String contactRef, OffsetDateTime seen) {
    sql("INSERT INTO channel_row (message_id, contact_ref, payload, seen_at) VALUES ($1, $2, 'raw', $3)", message,
        contactRef, seen);
  }

  private long inbound(long caseId) {
    return count("SELECT id FROM message WHERE case_id = $1 AND direction = 'in'", caseId);
  }

  @Test
  @DisplayName("erases a channel's rows with the cases and contacts they belong to, and its leftovers, counted by channel")
  void channelRows() {
    RowsRetention rows = rowsChannel();
    long erased = seededCase(contact("rows", "ref-old", "古い"), "rows", yearsAgo(6, 40), yearsAgo(6, 0));
    long kept = seededCase(contact("rows", "ref-new", "新しい"), "rows", yearsAgo(4, 40), yearsAgo(4, 0));
    channelRow(inbound(erased), null, yearsAgo(6, 40));
    channelRow(inbound(kept), null, yearsAgo(4, 40));
    channelRow(null, "ref-old", yearsAgo(6, 40));
    channelRow(null, "ref-new", yearsAgo(4, 40));
    channelRow(null, null, yearsAgo(6, 0));
    channelRow(null, null, yearsAgo(1, 0));
    contact("line", "U-other-channel", "別の経路");

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(run.cases().channel("rows")).as("the message's row and the contact's").isEqualTo(2);
    assertThat(run.leftovers().channel("rows")).isOne();
    assertThat(rows.contactCalls).as("only the channel's own contacts").containsExactly(List.of("ref-old"));
    assertThat(count("SELECT count(*) FROM channel_row WHERE message_id = $1 OR contact_ref = 'ref-new'", inbound(kept)))
        .isEqualTo(2);
    assertThat(count("SELECT count(*) FROM channel_row")).isEqualTo(3);
    assertThat(run.pruned("rows")).as("the three rows left, all seen over 30 days ago").isEqualTo(3);
    assertThat(count("SELECT count(*) FROM channel_row WHERE payload IS NULL")).isEqualTo(3);
    assertThat(Await.result(job.runOnce()).pruned("rows")).isZero();
  }

  @Test
  @DisplayName("erases nothing of a batch whose channel statement fails: one transaction, the next run finishes it")
  void channelFailureRollsBack() {
    RowsRetention rows = rowsChannel();
    long caseId = seededCase(contact("rows", "ref-fail", "失敗"), "rows", yearsAgo(6, 40), yearsAgo(6, 0));
    channelRow(inbound(caseId), null, yearsAgo(6, 40));
    rows.failing = true;

    assertThat(Await.result(job.runOnce()).cases().cases()).isZero();

    assertThat(messages(caseId)).isEqualTo(3);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE id = $1 AND erased_at IS NULL", caseId)).isOne();
    assertThat(count("SELECT count(*) FROM attachment")).isOne();
    assertThat(count("SELECT count(*) FROM channel_row")).isOne();

    rows.failing = false;
    assertThat(Await.result(job.runOnce()).cases().cases()).isOne();
    assertThat(messages(caseId)).isZero();
    assertThat(count("SELECT count(*) FROM channel_row")).isZero();
  }

  @Test
  @DisplayName("runs by itself shortly after it is deployed, and stops with its verticle")
  void scheduled(Vertx vertx) {
    long erased = seededCase(contact("line", "U-timer", "タイマー"), "line", yearsAgo(6, 40), yearsAgo(6, 0));
    RetentionJob scheduled = new RetentionJob(new RetentionStore(db.pool()),
        new RetentionSettings(5, 10, 100, Duration.ofMillis(50), Duration.ofDays(1)), clock);
    String id = Await.result(vertx.deployVerticle(scheduled));

    Await.until(Duration.ofSeconds(15), "erased by the first run", () -> messages(erased) == 0);
    Await.result(vertx.undeploy(id));
  }

  @Test
  @DisplayName("prunes audit rows past AUDIT_RETENTION_YEARS only")
  void auditPruned() {
    sql("INSERT INTO audit_log (at, action, allowed) VALUES ($1, 'login', true)", yearsAgo(11, 0));
    sql("INSERT INTO audit_log (at, action, allowed) VALUES ($1, 'login', true)", yearsAgo(9, 0));
    sql("INSERT INTO audit_log (action, allowed) VALUES ('login', true)");

    assertThat(Await.result(job.runOnce()).auditRows()).isOne();

    assertThat(count("SELECT count(*) FROM audit_log")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM audit_log WHERE at < $1", yearsAgo(10, 0))).isZero();
  }
}
