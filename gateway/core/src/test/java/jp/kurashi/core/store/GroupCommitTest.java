package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Group commit of inbound messages")
class GroupCommitTest {

  private final Clock clock = TestClocks.ambient();
  private Database db;
  private MessageStore store;
  private long office;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx, 8);
    office = TestDatabases.defaultOffice(db);
    store = new MessageStore(db.pool(), clock);
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private InboundMessage message(int n, String contact, String text) {
    return new InboundMessage("webchat", "gc-" + n, contact, null, text, clock.instant());
  }

  private long commits() {
    return Await.result(db.pool().query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
        .execute()).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("stores a burst of 300 messages once each, in far fewer transactions than messages")
  void burst() throws Exception {
    Thread.sleep(600); // pg_stat counters are flushed at most every 500 ms
    long before = commits();
    List<Future<IngestResult>> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(store.ingest(office, message(i, "c-" + (i % 40), "相談です " + i)));
    }
    Await.result(Future.all(all));
    // A repeat of every id is a no-op, answered with the first copy.
    List<Future<IngestResult>> again = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      again.add(store.ingest(office, message(i, "c-" + (i % 40), "相談です " + i)));
    }
    Await.result(Future.all(again));
    Thread.sleep(600);
    long transactions = commits() - before;

    long stored = Await.result(db.pool().query("SELECT count(*) FROM message WHERE external_id LIKE 'gc-%'").execute())
        .iterator().next().getLong(0);
    assertThat(stored).isEqualTo(300);
    for (int i = 0; i < 300; i++) {
      assertThat(again.get(i).result().duplicate()).isTrue();
      assertThat(again.get(i).result().messageId()).isEqualTo(all.get(i).result().messageId());
    }
    // 600 ingests; without group commit each is its own transaction.
    assertThat(transactions).as("transactions for 600 ingests").isLessThan(300);
  }

  @Test
  @DisplayName("fails only the message the database refuses, not the others that shared its transaction")
  void oneBadMessage() {
    List<Future<IngestResult>> all = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      // PostgreSQL refuses a NUL in text; the pipeline strips it, the store alone does not.
      all.add(store.ingest(office, message(i, "c-" + i, i == 25 ? "壊れた\u0000文字" : "相談です")));
    }
    Await.result(Future.join(all).recover(err -> Future.succeededFuture()));

    assertThat(all.get(25).failed()).isTrue();
    assertThat(all.stream().filter(Future::succeeded).count()).isEqualTo(49);
    long stored = Await.result(db.pool().query("SELECT count(*) FROM message WHERE external_id LIKE 'gc-%'").execute())
        .iterator().next().getLong(0);
    assertThat(stored).isEqualTo(49);
  }

  @Test
  @DisplayName("keeps a resident's good messages when one of theirs in the same batch is refused")
  void badMessageAmongItsContactsGoodOnes() {
    List<Future<IngestResult>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      // Ten residents, four messages each, all in flight together; one message of c-3 cannot be stored.
      all.add(store.ingest(office, message(i, "c-" + (i % 10), i == 13 ? "壊れた\u0000文字" : "相談です " + i)));
    }
    Await.result(Future.join(all).recover(err -> Future.succeededFuture()));

    assertThat(all.get(13).failed()).isTrue();
    assertThat(all.stream().filter(Future::succeeded).count()).isEqualTo(39);
    List<Long> casesOfC3 = List.of(3, 23, 33).stream().map(i -> all.get(i).result().caseId()).distinct().toList();
    assertThat(casesOfC3).hasSize(1);
    assertThat(List.of(3, 23, 33).stream().filter(i -> all.get(i).result().caseOpened()).count()).isEqualTo(1);
    long cases = Await.result(db.pool().query("SELECT count(*) FROM consultation_case").execute())
        .iterator().next().getLong(0);
    assertThat(cases).isEqualTo(10);
  }
}
