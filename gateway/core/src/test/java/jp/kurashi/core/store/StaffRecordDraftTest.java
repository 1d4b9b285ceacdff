package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.IngestResult;
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
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("A staff-recorded consultation's draft")
class StaffRecordDraftTest {

  private final Clock clock = TestClocks.ambient();
  private Database db;
  private StaffCaseStore store;
  private long office;
  private long staffId;
  /** When the call was taken; finer than the database keeps, which rounds it. */
  private Instant at;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 4);
    office = TestDatabases.defaultOffice(db);
    store = new StaffCaseStore(db.pool());
    staffId = Await.result(new StaffStore(db.pool(), clock).create(office, "tanaka", "田中", Role.CONSULTANT, "x", false));
    at = clock.instant().minus(Duration.ofMinutes(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusNanos(123_456_789);
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private StaffRecordedConsultation byPhone(String route, String text) {
    return new StaffRecordedConsultation(route, "self", "山田", text, at, null, staffId);
  }

  private long cases() {
    return Await.result(db.pool().query("SELECT count(*) FROM consultation_case").execute()).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("sent twice at the same moment, even naming two routes, opens one case; the other send is a repeat or refused")
  void onceAtTheSameMoment() {
    UUID draft = UUID.randomUUID();

    List<Future<IngestResult>> both = List.of(store.open(office, byPhone("phone", "家賃の相談"), draft),
        store.open(office, byPhone("walk_in", "家賃の相談"), draft));
    Await.result(Future.join(both).otherwiseEmpty());

    assertThat(cases()).isOne();
    assertThat(both).filteredOn(Future::succeeded).hasSize(1);
    assertThat(both).filteredOn(Future::failed).singleElement()
        .satisfies(f -> assertThat(f.cause()).isInstanceOf(DraftSentException.class));
  }

  @Test
  @DisplayName("sent again unchanged gives the first case as a duplicate; corrected, it is refused; another recorder's is theirs")
  void repeatCorrectionAndOtherRecorder() {
    UUID draft = UUID.randomUUID();
    IngestResult first = Await.result(store.open(office, byPhone("phone", "家賃の相談"), draft));

    IngestResult again = Await.result(store.open(office, byPhone("phone", "家賃の相談"), draft));
    assertThat(again.duplicate()).isTrue();
    assertThat(again.caseId()).isEqualTo(first.caseId());
    assertThatThrownBy(() -> Await.result(store.open(office, byPhone("phone", "家賃と借金の相談"), draft)))
        .isInstanceOf(DraftSentException.class);

    long other = Await.result(new StaffStore(db.pool(), clock).create(office, "sato", "佐藤", Role.CONSULTANT, "x", false));
    StaffRecordedConsultation theirs = new StaffRecordedConsultation("phone", "self", "山田", "家賃の相談", at, null, other);
    assertThat(Await.result(store.open(office, theirs, draft)).caseId()).isNotEqualTo(first.caseId());
    assertThat(cases()).isEqualTo(2);
  }
}
