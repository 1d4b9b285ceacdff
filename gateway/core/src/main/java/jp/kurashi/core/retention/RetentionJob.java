package jp.kurashi.core.retention;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.core.store.RetentionStore.ErasedCases;
import jp.kurashi.core.store.RetentionStore.Leftovers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Keeps the privacy notice's promise 「保存期間が過ぎたら消去します」: once shortly after start and then daily,
 * erases cases closed more than {@code RETENTION_YEARS} ago (each channel's rows of them in the same transaction),
 * leftovers unseen as long, what each channel's own keep period lets go (raw mails after {@code MAIL_RAW_KEEP_DAYS})
 * and audit rows past {@code AUDIT_RETENTION_YEARS}, in bounded batches of one transaction each. Every step is
 * idempotent and safe on several instances at once (rows in another instance's batch are skipped). Logs counts only.
 *
 * <pre>{@code
 * vertx.deployVerticle(new RetentionJob(new RetentionStore(pool, channelRetention), RetentionSettings.defaults(),
 *     clock));
 * }</pre>
 */
public final class RetentionJob extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  /** A run stops after this many batches of one kind and finishes the rest the next day. */
  private static final int MAX_BATCHES = 10_000;
  /**
   * How long a contact that never wrote nor consented is kept (a LINE follow or block with no message): its only use
   * is the order of LINE's follow and unfollow events, which LINE redelivers for far less than this.
   */
  static final Duration SILENT_CONTACT_KEEP = Duration.ofDays(30);

  private final RetentionStore store;
  private final RetentionSettings settings;
  private final Clock clock;
  private long timer = -1;
  private volatile boolean stopped;
  private final AtomicBoolean running = new AtomicBoolean();

  public RetentionJob(RetentionStore store, RetentionSettings settings, Clock clock) {
    this.store = store;
    this.settings = settings;
    this.clock = clock;
  }

  /** What one run erased; {@code pruned}: the rows each channel's own keep period let go, by channel code. */
  public record Run(ErasedCases cases, Leftovers leftovers, Map<String, Integer> pruned, int auditRows, long held) {

    public static final Run NONE = new Run(ErasedCases.NONE, Leftovers.NONE, Map.of(), 0, 0);

    /** The rows {@code channel}'s keep period let go in this run (0 when none). */
    public int pruned(String channel) {
      return pruned.getOrDefault(channel, 0);
    }
  }

  @Override
  public Future<?> start() {
    timer = vertx.setTimer(settings.firstRun().toMillis(), id -> scheduled());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void scheduled() {
    runOnce().onComplete(done -> {
      if (!stopped) {
        timer = vertx.setTimer(settings.interval().toMillis(), id -> scheduled());
      }
    });
  }

  /** Runs every step now, until nothing past retention is left; a run already going on makes this a no-op. */
  public Future<Run> runOnce() {
    if (!running.compareAndSet(false, true)) {
      return Future.succeededFuture(Run.NONE);
    }
    ZonedDateTime now = clock.instant().atZone(TOKYO);
    Instant casesBefore = now.minusYears(settings.caseYears()).toInstant();
    Instant auditBefore = now.minusYears(settings.auditYears()).toInstant();
    int batch = settings.batchSize();
    // Each step goes on after another failed: a case that cannot be erased today must not keep raw mails.
    Future<Run> run = step("cases", drain(() -> store.eraseClosedCases(casesBefore, batch, now.toInstant()),
        ErasedCases::cases, ErasedCases::plus, ErasedCases.NONE), ErasedCases.NONE)
        .compose(cases -> step("leftovers", drain(() -> store.eraseLeftovers(casesBefore,
                now.toInstant().minus(SILENT_CONTACT_KEEP), batch), Leftovers::total,
            Leftovers::plus, Leftovers.NONE), Leftovers.NONE)
            .compose(leftovers -> pruneChannels(now.toInstant(), batch)
                .compose(pruned -> step("audit", drain(() -> store.pruneAudit(auditBefore, batch), n -> n,
                    Integer::sum, 0), 0)
                    .compose(audit -> step("held", store.heldPastRetention(casesBefore), 0L)
                        .map(held -> new Run(cases, leftovers, pruned, audit, held))))));
    return run.onSuccess(RetentionJob::log).onComplete(done -> running.set(false));
  }

  /** Each channel's own keep period, one channel after another; one that fails does not stop the next. */
  private Future<Map<String, Integer>> pruneChannels(Instant now, int batch) {
    Map<String, Integer> pruned = new LinkedHashMap<>();
    Future<Void> done = Future.succeededFuture();
    for (String channel : store.channels()) {
      done = done.compose(v -> step("prune:" + channel, drain(() -> store.prune(channel, now, batch), n -> n,
          Integer::sum, 0), 0))
          .map(n -> {
            pruned.put(channel, n);
            return null;
          });
    }
    return done.map(v -> pruned);
  }

  /**
   * Counts only. Channel keys are the channel's code and what went: {@code mail.withCases} (was {@code mails}),
   * {@code mail.leftovers} ({@code unlinkedMails}), {@code mail.pruned} ({@code rawMailsDropped}),
   * {@code webchat.withCases} plus {@code webchat.leftovers} ({@code webchatSessions}).
   */
  private static void log(Run r) {
    var line = LOG.atInfo().addKeyValue("cases", r.cases().cases()).addKeyValue("messages", r.cases().messages())
        .addKeyValue("attachments", r.cases().attachments())
        .addKeyValue("contacts", r.cases().contacts() + r.leftovers().contacts())
        .addKeyValue("complaintsErased", r.leftovers().complaints());
    Set<String> channels = new LinkedHashSet<>(r.cases().channelRows().keySet());
    channels.addAll(r.leftovers().channelRows().keySet());
    channels.addAll(r.pruned().keySet());
    for (String channel : channels) {
      line = line.addKeyValue(channel + ".withCases", r.cases().channel(channel))
          .addKeyValue(channel + ".leftovers", r.leftovers().channel(channel))
          .addKeyValue(channel + ".pruned", r.pruned(channel));
    }
    // Closed cases past the keep period that stay, by rule (merged into a case still open, written in since): an
    // operator sees that the number is there and whether it grows.
    line.addKeyValue("auditRows", r.auditRows()).addKeyValue("heldPastRetention", r.held()).log("retention run");
  }

  private static <T> Future<T> step(String name, Future<T> done, T none) {
    return done.recover(err -> {
      LOG.atError().addKeyValue("step", name).addKeyValue("error", DatabaseFailures.describe(err))
          .log("retention step failed; the next run continues where it stopped");
      return Future.succeededFuture(none);
    });
  }

  /** Calls {@code batch} until it returns fewer rows than a batch holds, adding up what each call returned. */
  private <T> Future<T> drain(Supplier<Future<T>> batch, Function<T, Integer> rows, BinaryOperator<T> add,
                              T total) {
    return drain(batch, rows, add, total, 0);
  }

  private <T> Future<T> drain(Supplier<Future<T>> batch, Function<T, Integer> rows, BinaryOperator<T> add,
                              T total, int batches) {
    if (stopped || batches >= MAX_BATCHES) {
      return Future.succeededFuture(total);
    }
    return batch.get().compose(result -> {
      T sum = add.apply(total, result);
      return rows.apply(result) < settings.batchSize() ? Future.succeededFuture(sum)
          : drain(batch, rows, add, sum, batches + 1);
    });
  }
}
