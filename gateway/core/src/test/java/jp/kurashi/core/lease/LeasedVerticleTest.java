package jp.kurashi.core.lease;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.JobLeaseStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances (each its own Vert.x and pool on one database) offer the same job: it runs on exactly one, moves at
 * once when that one stops cleanly, within the lease's time when it dies holding it, and stops where the lease was
 * lost.
 */
@DisplayName("A periodic job runs on one instance at a time")
class LeasedVerticleTest {

  private static final Duration TTL = Duration.ofSeconds(2);
  private static final Duration RENEW = Duration.ofMillis(300);

  /** The job: counts where it is running. */
  private static final class Job extends VerticleBase {
    private final AtomicInteger running;

    Job(AtomicInteger running) {
      this.running = running;
    }

    @Override
    public Future<?> start() {
      running.incrementAndGet();
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      running.decrementAndGet();
      return Future.succeededFuture();
    }
  }

  private final AtomicInteger onA = new AtomicInteger();
  private final AtomicInteger onB = new AtomicInteger();
  private String url;
  private Vertx vertxA;
  private Vertx vertxB;
  private Database dbA;
  private Database dbB;

  @BeforeEach
  void setUp() {
    url = TestPostgres.shared().newDatabaseUrl();
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    dbA = TestDatabases.open(vertxA, url, 2);
    dbB = TestDatabases.open(vertxB, url, 2);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertxA.close().recover(e -> Future.succeededFuture()));
    Await.result(vertxB.close().recover(e -> Future.succeededFuture()));
  }

  private String deploy(Vertx vertx, Database db, String holder, AtomicInteger counter) {
    return Await.result(vertx.deployVerticle(new LeasedVerticle("mail-poller", new JobLeaseStore(db.pool()), holder,
        TTL, RENEW, () -> new Job(counter))));
  }

  @Test
  @DisplayName("only the first instance runs it; a clean stop hands it to the other at its next renewal")
  void oneAtATime() throws Exception {
    String a = deploy(vertxA, dbA, "a", onA);
    deploy(vertxB, dbB, "b", onB);
    Thread.sleep(1_000);
    assertThat(onA).hasValue(1);
    assertThat(onB).hasValue(0);

    Await.result(vertxA.undeploy(a));
    assertThat(onA).hasValue(0);
    Await.until(Duration.ofSeconds(1), "taken over", () -> onB.get() == 1);
    assertThat(Await.result(new JobLeaseStore(dbB.pool()).holder("mail-poller"))).contains("b");
  }

  @Test
  @DisplayName("an instance that dies holding the lease loses the job to the other once the lease runs out")
  void deathTakeover() throws Exception {
    deploy(vertxA, dbA, "a", onA);
    deploy(vertxB, dbB, "b", onB);
    // Dies without a word: its database connections go first, so it cannot give the lease up.
    Await.result(dbA.close());
    long died = System.nanoTime();
    Await.result(vertxA.close());

    Await.until(Duration.ofSeconds(5), "taken over", () -> onB.get() == 1);
    Duration takeover = Duration.ofNanos(System.nanoTime() - died);
    assertThat(takeover).isLessThanOrEqualTo(TTL.plus(RENEW).plusMillis(500));
    assertThat(takeover).isGreaterThanOrEqualTo(TTL.minusMillis(700));
  }

  @Test
  @DisplayName("an instance that finds its lease held by another stops the job at once")
  void lostLease() throws Exception {
    deploy(vertxA, dbA, "a", onA);
    assertThat(onA).hasValue(1);
    Await.result(dbB.pool().query("UPDATE job_lease SET holder = 'c', expires_at = now() + interval '1 hour'")
        .execute());
    Await.until(Duration.ofSeconds(2), "stopped", () -> onA.get() == 0);
  }

  @Test
  @DisplayName("a database slower than the renewal period still starts the job once (renewals never overlap)")
  void slowRenewalsDoNotOverlap() throws Exception {
    // Another session holds the lease row locked: every renewal waits behind it, several periods long.
    var locker = Await.result(dbB.pool().getConnection());
    Await.result(locker.query("BEGIN").execute());
    Await.result(locker.query("INSERT INTO job_lease (job, holder, expires_at) VALUES ('mail-poller', 'a', now())")
        .execute());
    Future<String> deployed = vertxA.deployVerticle(new LeasedVerticle("mail-poller", new JobLeaseStore(dbA.pool()),
        "a", TTL, RENEW, () -> new Job(onA)));
    Thread.sleep(RENEW.toMillis() * 5);
    assertThat(onA).hasValue(0);
    Await.result(locker.query("COMMIT").execute());
    Await.result(locker.close());
    Await.result(deployed);
    Thread.sleep(RENEW.toMillis() * 3);
    assertThat(onA).as("job instances started on A").hasValue(1);
  }
}
