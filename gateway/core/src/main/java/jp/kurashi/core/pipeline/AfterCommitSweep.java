package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Finishes what a commit promised: every {@code interval} (and at start) finds resident messages that were stored
 * but never triaged, or whose automatic answer is still pending (the gateway was killed between a channel's
 * acknowledgement and the triage or the answer, a statement failed, or a flood was larger than
 * {@link AfterCommitQueue} keeps), and runs their after-commit steps then. A crisis written just before
 * a crash still gets its triage, its alert and its safety message. Messages younger than {@code grace} are left to
 * the work already under way; those older than {@code window} are left alone (a notice days late would only confuse).
 */
public final class AfterCommitSweep extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AfterCommitSweep.class);
  private static final int BATCH = 500;
  private static final Duration FOLLOW_UP = Duration.ofSeconds(1);

  private final InboundPipeline pipeline;
  private final MessageStore messages;
  private final Set<String> channels;
  private final Clock clock;
  private final Duration interval;
  private final Duration grace;
  private final Duration window;
  private long timer = -1;
  private long followUp = -1;
  private final java.util.concurrent.atomic.AtomicBoolean sweeping = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param channels the channels whose messages run through {@code pipeline} (staff-recorded ones have their own)
   */
  public AfterCommitSweep(InboundPipeline pipeline, MessageStore messages, Set<String> channels, Clock clock,
                          Duration interval, Duration grace, Duration window) {
    this.pipeline = pipeline;
    this.messages = messages;
    this.channels = Set.copyOf(channels);
    this.clock = clock;
    this.interval = interval;
    this.grace = grace;
    this.window = window;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, interval.toMillis(), id -> sweep());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(followUp);
    return Future.succeededFuture();
  }

  /** One pass; completes with the number of messages handed to the pipeline. */
  public Future<Integer> sweep() {
    if (channels.isEmpty() || !sweeping.compareAndSet(false, true)) {
      return Future.succeededFuture(0);
    }
    Instant now = clock.instant();
    AfterCommitQueue queue = pipeline.afterCommitQueue();
    // No more than the queue can take now: the rest would only be refused again.
    int batch = Math.min(BATCH, queue.room());
    if (batch <= 0) {
      sweeping.set(false);
      return Future.succeededFuture(0);
    }
    return messages.unfinished(pipeline.officeId(), channels, now.minus(window), now.minus(grace), batch)
        .map(found -> {
          int resumed = 0;
          for (MessageStore.Unfinished u : found) {
            if (!queue.pending(u.stored().messageId())) {
              pipeline.resume(u.message(), u.stored());
              resumed++;
            }
          }
          if (found.size() == batch && vertx != null) {
            // A flood left more than one batch: the next pass comes as soon as this one has had time to run,
            // not a whole interval later.
            vertx.cancelTimer(followUp);
            followUp = vertx.setTimer(FOLLOW_UP.toMillis(), id -> sweep());
          }
          if (resumed > 0) {
            LOG.atWarn().addKeyValue("messages", resumed)
                .log("after-commit steps resumed for messages never triaged or still owed their answer");
          }
          return resumed;
        })
        .onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
            .log("after-commit sweep failed; next pass will retry"))
        .onComplete(ar -> sweeping.set(false));
  }
}
