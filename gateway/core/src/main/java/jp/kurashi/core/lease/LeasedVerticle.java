package jp.kurashi.core.lease;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.JobLeaseStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Runs a periodic job (a verticle of its own: the mail poller, retention, …) on one gateway instance at a time.
 * Every {@code renewEvery} it takes or renews the job's lease in PostgreSQL; while it holds the lease the job is
 * deployed here, and when it cannot prove it still holds it (lost, or not renewed for a whole {@code ttl}) the job is
 * undeployed. When the instance dies its lease runs out after {@code ttl} and another instance's next renewal takes
 * the job over, so with a ttl of 20 s and renewals every 5 s a job is back within 25 s. A clean stop gives the lease
 * up at once.
 */
public final class LeasedVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LeasedVerticle.class);

  private final String job;
  private final JobLeaseStore leases;
  private final String holder;
  private final Duration ttl;
  private final Duration renewEvery;
  private final Supplier<Deployable> work;
  private long timer = -1;
  private String deployment;
  private boolean attempting;
  private long heldSince = -1;
  private long lastRenewed;

  /**
   * @param holder this instance's name in the lease table (unique per process)
   * @param work   makes a fresh instance of the job each time this instance takes the job on
   */
  public LeasedVerticle(String job, JobLeaseStore leases, String holder, Duration ttl, Duration renewEvery,
                        Supplier<Deployable> work) {
    if (renewEvery.isNegative() || renewEvery.isZero() || renewEvery.compareTo(ttl) >= 0) {
      throw new IllegalArgumentException("renewals must come more often than the lease runs out");
    }
    this.job = job;
    this.leases = leases;
    this.holder = holder;
    this.ttl = ttl;
    this.renewEvery = renewEvery;
    this.work = work;
  }

  /** The job this verticle runs. */
  public String job() {
    return job;
  }

  /** Whether the job runs on this instance now. */
  public boolean running() {
    return deployment != null;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(renewEvery.toMillis(), id -> renew());
    // The first attempt is part of the start: a single instance runs its jobs as soon as it is up.
    return renew();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<Void> stopped = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    deployment = null;
    return stopped.transform(v -> leases.release(job, holder)).recover(err -> Future.succeededFuture());
  }

  private Future<Void> renew() {
    // One attempt at a time: on a slow database a hold can outlast the renewal period, and two attempts that both
    // found the job stopped would both start it.
    if (attempting) {
      return Future.succeededFuture();
    }
    attempting = true;
    return attempt().onComplete(ar -> attempting = false);
  }

  private Future<Void> attempt() {
    long attempt = System.nanoTime();
    return leases.hold(job, holder, ttl).transform(ar -> {
      if (ar.succeeded() && ar.result()) {
        lastRenewed = attempt;
        return deployment == null ? takeOver() : Future.succeededFuture();
      }
      if (ar.failed() && System.nanoTime() - lastRenewed < ttl.toNanos()) {
        // Still ours until the lease would run out; the next renewal may succeed.
        LOG.atWarn().addKeyValue("job", job).addKeyValue("error", DatabaseFailures.describe(ar.cause()))
            .log("job lease not renewed");
        return Future.succeededFuture();
      }
      return deployment == null ? Future.succeededFuture() : giveUp(ar.failed() ? "not renewed in time" : "taken");
    });
  }

  private Future<Void> takeOver() {
    return vertx.deployVerticle(work.get()).transform(ar -> {
      if (ar.failed()) {
        LOG.atError().addKeyValue("job", job).addKeyValue("error", ar.cause().getClass().getSimpleName())
            .log("job could not start; its lease is given up for another instance");
        return leases.release(job, holder).recover(err -> Future.succeededFuture());
      }
      deployment = ar.result();
      heldSince = System.nanoTime();
      LOG.atInfo().addKeyValue("job", job).addKeyValue("holder", holder).log("job lease taken: the job runs here");
      return Future.succeededFuture();
    });
  }

  private Future<Void> giveUp(String why) {
    String stopping = deployment;
    deployment = null;
    LOG.atWarn().addKeyValue("job", job).addKeyValue("why", why)
        .addKeyValue("heldSeconds", (System.nanoTime() - heldSince) / 1_000_000_000L)
        .log("job lease lost: the job stops here");
    return vertx.undeploy(stopping).recover(err -> Future.succeededFuture());
  }
}
