package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
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

/** What retention erases of web chat's sessions, on a real database at the suite's moment (item 12). */
@ExtendWith(VertxExtension.class)
@DisplayName("Retention of web chat sessions")
class WebchatRetentionTest {

  private static final RetentionSettings SETTINGS = new RetentionSettings(5, 10, 2, Duration.ofHours(1),
      Duration.ofDays(1));

  private final Clock clock = TestClocks.ambient();
  private final ZonedDateTime now = clock.instant().atZone(TestClocks.TOKYO);
  private Database db;
  private long office;
  private RetentionJob job;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(WebchatServer.migratedDatabaseUrl(), 4)));
    office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
    var retention = new WebchatChannel().retention(ConfigSource.of(Map.of())).orElseThrow();
    job = new RetentionJob(new RetentionStore(db.pool(), Map.of("webchat", retention)), SETTINGS, clock);
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

  private OffsetDateTime yearsAgo(int years) {
    return now.minusYears(years).toInstant().atOffset(ZoneOffset.UTC);
  }

  private void session(String ref, OffsetDateTime lastSeen) {
    Await.result(db.pool().preparedQuery("INSERT INTO webchat_session (office_id, token_hash, contact_ref, last_seen_at) "
        + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(office, "hash-" + ref, ref, lastSeen)));
  }

  /** A chat that wrote {@code years} ago, its case closed then, and its session last used then. */
  private void chat(String ref, int years) {
    long contact = one("INSERT INTO contact (office_id, channel, external_id, last_seen_at) VALUES ($1, 'webchat', $2, $3) "
        + "RETURNING id", office, ref, yearsAgo(years)).getLong(0);
    long caseId = one("INSERT INTO consultation_case (office_id, contact_id, channel, opened_at, status, closed_at) "
        + "VALUES ($1, $2, 'webchat', $3, 'closed', $3) RETURNING id", office, contact, yearsAgo(years)).getLong(0);
    one("INSERT INTO message (case_id, contact_id, channel, direction, body, delivery, created_at) "
        + "VALUES ($1, $2, 'webchat', 'in', '相談です', 'received', $3) RETURNING id", caseId, contact, yearsAgo(years));
    session(ref, yearsAgo(years));
  }

  @Test
  @DisplayName("go with their chat's contact once its cases are erased; a chat within retention keeps its session")
  void withTheirContact() {
    chat("chat-old", 6);
    chat("chat-new", 4);

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(run.cases().contacts()).isOne();
    assertThat(run.cases().channel("webchat")).isOne();
    assertThat(count("SELECT count(*) FROM webchat_session WHERE contact_ref = 'chat-old'")).isZero();
    assertThat(count("SELECT count(*) FROM webchat_session WHERE contact_ref = 'chat-new'")).isOne();
  }

  @Test
  @DisplayName("whose chat never wrote go once unseen past retention; a recent one stays")
  void neverWrote() {
    session("chat-silent-old", yearsAgo(6));
    session("chat-silent-new", yearsAgo(1));

    RetentionJob.Run run = Await.result(job.runOnce());

    assertThat(run.leftovers().channel("webchat")).isOne();
    assertThat(count("SELECT count(*) FROM webchat_session")).isOne();
    assertThat(count("SELECT count(*) FROM webchat_session WHERE contact_ref = 'chat-silent-new'")).isOne();
  }
}
