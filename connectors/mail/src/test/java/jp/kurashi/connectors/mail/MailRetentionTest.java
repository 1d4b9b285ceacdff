package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.retention.RetentionJob;
import jp.kurashi.core.retention.RetentionSettings;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What retention erases of the email channel's tables, on a real database at the suite's moment (item 12). */
@ExtendWith(VertxExtension.class)
@DisplayName("Retention of raw mails")
class MailRetentionTest {

  /** Two rows per batch, so a few mails take several transactions. */
  private static final RetentionSettings SETTINGS = new RetentionSettings(5, 10, 2, Duration.ofHours(1),
      Duration.ofDays(1));
  private static final Buffer RAW = Buffer.buffer("From: a@example.jp\r\nMessage-ID: <x@example.jp>\r\n\r\n家賃が払えません");

  private final Clock clock = TestClocks.ambient();
  private final ZonedDateTime now = clock.instant().atZone(TestClocks.TOKYO);
  private Database db;
  private long office;
  private RetentionJob job;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(MailServer.migratedDatabaseUrl(), 4)));
    office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
    job = new RetentionJob(new RetentionStore(db.pool(), Map.of("mail", retention(Map.of()))), SETTINGS, clock);
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private static MailRetentionStore retention(Map<String, String> env) {
    return (MailRetentionStore) new MailChannel().retention(ConfigSource.of(env)).orElseThrow();
  }

  private Row one(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next();
  }

  private long count(String sql, Object... params) {
    return one(sql, params).getLong(0);
  }

  private OffsetDateTime yearsAgo(int years) {
    return now.minusYears(years).toInstant().atOffset(ZoneOffset.UTC);
  }

  private OffsetDateTime daysAgo(int days) {
    return now.toInstant().minus(Duration.ofDays(days)).atOffset(ZoneOffset.UTC);
  }

  /** A mail case closed {@code closedYearsAgo} years ago, its one message, and the raw mail it came from. */
  private long mailCase(String address, int closedYearsAgo, long uid) {
    long contact = one("INSERT INTO contact (office_id, channel, external_id, last_seen_at) VALUES ($1, 'mail', $2, $3) "
        + "RETURNING id", office, address, yearsAgo(closedYearsAgo)).getLong(0);
    long caseId = one("INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, status, closed_at) "
        + "VALUES ($1, $2, 'mail', $3, 'closed', $3) RETURNING id", office, contact, yearsAgo(closedYearsAgo)).getLong(0);
    long message = one("INSERT INTO message (case_id, contact_id, channel, direction, external_id, body, delivery, "
        + "created_at) VALUES ($1, $2, 'mail', 'in', $3, '家賃が払えません', 'received', $4) RETURNING id", caseId, contact,
        "<" + uid + "@example.jp>", yearsAgo(closedYearsAgo)).getLong(0);
    rawMail(uid, "done", message, yearsAgo(closedYearsAgo));
    return caseId;
  }

  private void rawMail(long uid, String status, Long message, OffsetDateTime fetched) {
    Await.result(db.pool().preparedQuery("INSERT INTO mail_inbox (mailbox, uidvalidity, uid, raw, status, message_id, "
        + "fetched_at) VALUES ('INBOX', 1, $1, $2, $3, $4, $5)").execute(Tuple.of(uid, RAW, status, message, fetched)));
  }

  @Test
  @DisplayName("go with their case, in its transaction; a case within retention keeps its mail")
  void withTheirCase() {
    long erased = mailCase("old@example.jp", 6, 1);
    long kept = mailCase("new@example.jp", 4, 2);

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(run.cases().cases()).isOne();
    assertThat(run.cases().channel("mail")).isOne();
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", erased)).isZero();
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE uid = 1")).as("deleted, not unlinked").isZero();
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE uid = 2 AND message_id IS NOT NULL")).isOne();
    assertThat(count("SELECT count(*) FROM message WHERE case_id = $1", kept)).isOne();
    assertThat(count("SELECT count(*) FROM contact WHERE external_id = 'old@example.jp'")).isZero();
  }

  @Test
  @DisplayName("that became no message go once past retention; pending and recent ones stay")
  void unlinked() {
    rawMail(1, "quarantined", null, yearsAgo(6));
    rawMail(2, "done", null, yearsAgo(6));
    rawMail(3, "pending", null, yearsAgo(6));
    rawMail(4, "done", null, yearsAgo(4));

    assertThat(Await.result(job.runOnce()).leftovers().channel("mail")).isEqualTo(2);

    assertThat(count("SELECT count(*) FROM mail_inbox WHERE uid IN (3, 4)")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM mail_inbox")).isEqualTo(2);
  }

  @Test
  @DisplayName("lose their bytes after the keep period once handled, not while still to be processed")
  void rawBytes() {
    rawMail(1, "done", null, daysAgo(31));
    rawMail(2, "quarantined", null, daysAgo(31));
    rawMail(3, "pending", null, daysAgo(31));
    rawMail(4, "done", null, daysAgo(29));

    assertThat(Await.result(job.runOnce()).pruned("mail")).isEqualTo(2);

    assertThat(count("SELECT count(*) FROM mail_inbox WHERE raw IS NULL AND uid IN (1, 2)")).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE raw IS NOT NULL AND uid IN (3, 4)")).isEqualTo(2);
    assertThat(Await.result(job.runOnce()).pruned("mail")).isZero();
  }

  @Test
  @DisplayName("are kept MAIL_RAW_KEEP_DAYS (30 unless told, 1 to 3650), whether email is on or not")
  void keepDays() {
    assertThat(retention(Map.of()).rawKeep()).isEqualTo(Duration.ofDays(30));
    assertThat(retention(Map.of("MAIL_RAW_KEEP_DAYS", "7")).rawKeep()).isEqualTo(Duration.ofDays(7));
    assertThatThrownBy(() -> retention(Map.of("MAIL_RAW_KEEP_DAYS", "3651")))
        .hasMessage("MAIL_RAW_KEEP_DAYS must be a whole number from 1 to 3650, got \"3651\"");
    assertThatThrownBy(() -> retention(Map.of("MAIL_RAW_KEEP_DAYS", "0"))).hasMessageStartingWith("MAIL_RAW_KEEP_DAYS");
  }
}
