package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Accommodation;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffRecordedConsultation;
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
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record staff write on a case (a contact made, a note, a milestone, an accommodation) while retention erases that case:
 * it waits for the erasure and is refused, so no note outlives it.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A case record written while retention erases the case")
class CaseRecordsDuringErasureTest {

  private final Clock clock = TestClocks.ambient();
  private Database db;
  private long office;
  private long staffId;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 4);
    office = TestDatabases.defaultOffice(db);
    staffId = Await.result(new StaffStore(db.pool(), clock).create(office, "tanaka", "田中", Role.CONSULTANT, "x", false));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  @Test
  @DisplayName("a contact made waits for the erasure and is refused (404): no note outlives it")
  void contact() {
    Future<?> written = duringErasure("case_contact_log", caseId -> new StaffCaseStore(db.pool()).addContact(caseId, "visit",
        clock.instant().minus(Duration.ofHours(1)), "自宅を訪問、家族の事情を聞いた", staffId, clock.instant(), UUID.randomUUID()));
    assertThat(written.cause()).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("an internal note waits for the erasure and is refused")
  void note() {
    Future<?> written = duringErasure("(SELECT case_id FROM message WHERE direction = 'note') notes", caseId -> new CaseCommandStore(db.pool(), clock).note(caseId, staffId,
        "本人の事情について、家族から聞いたこと", UUID.randomUUID()));
    assertThat(written.cause()).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("a support milestone waits for the erasure and is refused")
  void milestone() {
    Future<?> written = duringErasure("case_milestone", caseId -> new MilestoneStore(db.pool()).record(caseId, "plan",
        LocalDate.now(clock), "就労支援を中心に", staffId, clock.instant(), UUID.randomUUID()));
    assertThat(written.cause()).isInstanceOf(NotFoundException.class);
  }

  @Test
  @DisplayName("how to communicate with the person waits for the erasure and is refused")
  void accommodation() {
    Future<?> written = duringErasure("case_accommodation", caseId -> new AccommodationStore(db.pool()).put(caseId,
        new Accommodation(List.of("writing"), null, null, "耳が聞こえにくい", null, null), staffId, clock.instant()));
    assertThat(written.cause()).isInstanceOf(NotFoundException.class);
  }

  /**
   * Writes while retention erases the case as it does (the case row locked first, RetentionSql.CLOSED_CASES, then
   * erased and committed); checks nothing was written to {@code table}. The write's outcome, once complete.
   */
  private Future<?> duringErasure(String table, LongFunction<Future<?>> write) {
    long caseId = closedCasePastRetention();
    SqlConnection retention = Await.result(db.pool().getConnection());
    try {
      Transaction erasing = Await.result(retention.begin());
      Await.result(retention.preparedQuery("SELECT id FROM consultation_case WHERE id = $1 FOR UPDATE")
          .execute(Tuple.of(caseId)));
      int retentionPid = Await.result(retention.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
      Future<?> written = write.apply(caseId);
      Await.until(Duration.ofSeconds(10), "the write waiting for retention's lock", () -> count(
          "SELECT count(*) FROM pg_stat_activity WHERE " + retentionPid + " = ANY(pg_blocking_pids(pid))") > 0);
      Await.result(retention.preparedQuery(
          "UPDATE consultation_case SET erased_at = $2, contact_id = NULL, assignee_id = NULL WHERE id = $1")
          .execute(Tuple.of(caseId, clock.instant().atOffset(java.time.ZoneOffset.UTC))));
      Await.result(erasing.commit());

      Await.result(written.otherwiseEmpty());
      assertThat(count("SELECT count(*) FROM " + table + " WHERE case_id = " + caseId)).isZero();
      return written;
    } finally {
      Await.result(retention.close());
    }
  }

  private long closedCasePastRetention() {
    Instant at = clock.instant().minus(Duration.ofDays(6 * 366));
    long caseId = Await.result(new StaffCaseStore(db.pool()).open(office, new StaffRecordedConsultation("phone", "self",
        "山田", "家賃の相談", at, null, staffId))).caseId();
    Await.result(db.pool().preparedQuery("UPDATE consultation_case SET status = 'closed', outcome = 'information_given', "
        + "closed_at = $2 WHERE id = $1").execute(Tuple.of(caseId, at.plus(Duration.ofDays(1)).atOffset(java.time.ZoneOffset.UTC))));
    return caseId;
  }

  private long count(String sql) {
    return Await.result(db.pool().query(sql).execute()).iterator().next().getLong(0);
  }
}
