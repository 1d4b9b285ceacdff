package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import jp.kurashi.connectors.line.LineStore.PendingMedia;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fetches a resident's photo, video, voice message or file from LINE into its message. Right after the webhook's 200
 * and then, for what failed or a restart cut short, from {@link LineMediaRetry}: a failure is recorded with the time
 * of the next attempt, or, when LINE no longer has the file, it is too large, or the attempts are used up, as the
 * reason the message stays without it.
 */
final class LineMediaFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(LineMediaFetcher.class);
  private static final Duration LONGEST_WAIT = Duration.ofHours(1);

  private final LineConnector connector;
  private final LineSettings settings;
  private final GatewayMetrics metrics;
  private final CaseEvents bus;
  private final Clock clock;
  private final RetryPolicy retry;
  /** First fetches running now, and those waiting for a place (guarded by this). */
  private int running;
  private final java.util.ArrayDeque<Waiting> waiting = new java.util.ArrayDeque<>();
  /** The most first fetches kept waiting; beyond, the retry round takes them (they are recorded as due). */
  private static final int MOST_WAITING = 1_000;

  private record Waiting(PendingMedia media, long since) {
  }

  LineMediaFetcher(LineConnector connector, LineSettings settings, GatewayMetrics metrics, CaseEvents bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
    this.connector = connector;
    this.settings = settings;
    this.metrics = metrics;
    Duration first = settings.mediaRetry().compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : settings.mediaRetry();
    this.retry = new RetryPolicy(settings.mediaAttempts(), first, LONGEST_WAIT);
  }

  /** The wait before a retry may take media just recorded, so that it does not race the fetch right after the 200. */
  Duration firstTryTime() {
    return settings.timeout().multipliedBy(3);
  }

  /**
   * The first fetch of media just recorded, right after the webhook's 200: at most {@code LINE_MEDIA_FETCHES} at once,
   * as each holds up to {@code LINE_MEDIA_MAX_BYTES} in memory and a resident can send a hundred photos in a minute.
   * The rest wait their turn; one that waited half its first-try time is left to the retry round, which may take it
   * from then on (fetched by both, a file is still stored once).
   */
  void fetchFirst(PendingMedia media) {
    synchronized (this) {
      if (running >= settings.mediaFetches()) {
        if (waiting.size() < MOST_WAITING) {
          waiting.addLast(new Waiting(media, System.nanoTime()));
        } else {
          metrics.increment("line_media_deferred_total");
        }
        return;
      }
      running++;
    }
    runFirst(media);
  }

  private void runFirst(PendingMedia media) {
    Future<Void> fetched;
    try {
      fetched = fetch(media);
    } catch (RuntimeException e) {
      fetched = Future.failedFuture(e); // its place is given back all the same; the retry round takes the media
    }
    fetched.onComplete(done -> {
      PendingMedia next = null;
      long freshFor = firstTryTime().toNanos() / 2;
      synchronized (this) {
        while (next == null && !waiting.isEmpty()) {
          Waiting w = waiting.pollFirst();
          if (System.nanoTime() - w.since() < freshFor) {
            next = w.media();
          } else {
            metrics.increment("line_media_deferred_total");
          }
        }
        if (next == null) {
          running--;
        }
      }
      if (next != null) {
        runFirst(next);
      }
    });
  }

  /** How many attempts a file gets, and how many times a retry round may take it without an outcome. */
  int attemptsAllowed() {
    return retry.maxAttempts();
  }

  /** Notes media given up because every retry that took it ended without an outcome (the gateway stopped). */
  void givenUpUnfinished(long messageId) {
    metrics.increment("line_media_failed_total");
    LOG.atError().addKeyValue("messageId", messageId).log("LINE media not stored; given up, no fetch of it finished");
  }

  /**
   * One attempt; completes when its outcome is recorded. It fails only when the database is unavailable (the media
   * stays due, and a round of retries stops there rather than download files it cannot store).
   */
  Future<Void> fetch(PendingMedia media) {
    return ready(media)
        .compose(v -> connector.api().content(media.lineMessageId(), settings.mediaMaxBytes()))
        .compose(file -> file.data().length == 0
            ? Future.failedFuture(new NotReadyException("LINE sent an empty file"))
            : Future.succeededFuture(file))
        // A file the database refuses for good (too large for it, say) is counted like a failed fetch, so it is
        // given up in the end instead of being downloaded again every round.
        .transform(fetched -> fetched.succeeded()
            ? store(media, fetched.result()).recover(err -> DatabaseFailures.unavailable(err)
                ? Future.failedFuture(err) : failed(media, err))
            : failed(media, fetched.cause()))
        .recover(err -> {
          LOG.atWarn().addKeyValue("messageId", media.messageId()).addKeyValue("error", DatabaseFailures.describe(err))
              .log("LINE media attempt not recorded; it stays due");
          return DatabaseFailures.unavailable(err) ? Future.failedFuture(err) : Future.succeededFuture();
        });
  }

  /** A video or voice message is fetched only once LINE has prepared it; fetched earlier it can come incomplete. */
  private Future<Void> ready(PendingMedia media) {
    if (!media.transcoded()) {
      return Future.succeededFuture();
    }
    return connector.api().preparation(media.lineMessageId()).compose(status -> switch (status) {
      case "succeeded" -> Future.<Void>succeededFuture();
      case "failed" -> Future.failedFuture(new PreparationFailedException());
      default -> Future.failedFuture(new NotReadyException("LINE is still preparing it"));
    });
  }

  private Future<Void> store(PendingMedia media, LineApi.Media file) {
    String type = file.contentType() == null ? "application/octet-stream" : file.contentType();
    return connector.store().mediaStored(media.messageId(), type, media.fileName(), file.data()).map(added -> {
      added.ifPresent(where -> {
        metrics.increment("line_media_stored_total");
        // A thread open on the message shows the photo now, not at its next read.
        bus.publish(new CaseEvent(CaseEvent.ATTACHMENT_STORED, connector.store().officeId(), where.caseId(),
            where.contactId(), media.messageId(), LineConnector.CHANNEL, clock.instant()));
      });
      return null;
    });
  }

  /** LINE has not finished preparing the file, or sent none: worth another attempt later. */
  private static final class NotReadyException extends Exception {
    NotReadyException(String why) {
      super(why, null, false, false);
    }
  }

  /** LINE could not prepare a video or voice message: no attempt will get it. */
  private static final class PreparationFailedException extends Exception {
    PreparationFailedException() {
      super("LINE could not prepare it", null, false, false);
    }
  }

  private Future<Void> failed(PendingMedia media, Throwable err) {
    int attempt = media.attempts() + 1;
    int status = LineApi.status(err);
    Throwable cause = LineApi.unwrap(err);
    boolean hopeless = status == 404 || status == 410 || cause instanceof LineApi.MediaTooLargeException
        || cause instanceof PreparationFailedException;
    // A database error's own message may quote the values: only its SQLSTATE is kept.
    String reason = DatabaseFailures.sqlState(err).map(state -> "database error SQLSTATE " + state)
        .orElseGet(() -> LineApi.describe(err));
    Duration retryIn = retry.delayAfter(attempt, null, ThreadLocalRandom.current());
    return connector.store().mediaFailed(media.messageId(), reason, hopeless, retry.maxAttempts(), retryIn,
            LineTexts.mediaNotFetchedNote(media.kind(), reason))
        .map(givenUp -> {
          if (givenUp.isPresent()) {
            metrics.increment("line_media_failed_total");
            LOG.atError().addKeyValue("messageId", media.messageId()).addKeyValue("attempt", attempt)
                .addKeyValue("error", reason).log("LINE media not stored; given up");
            LineStore.GivenUp noted = givenUp.get();
            if (noted.noteId() != null) {
              // An open thread shows the note at once; a failed publish only delays it to the next read.
              bus.publish(new CaseEvent(CaseEvent.NOTE_ADDED, connector.store().officeId(), noted.caseId(),
                  noted.contactId(), noted.noteId(), LineConnector.CHANNEL, clock.instant()));
            }
          } else {
            LOG.atInfo().addKeyValue("messageId", media.messageId()).addKeyValue("attempt", attempt)
                .addKeyValue("error", reason).addKeyValue("retryIn", retryIn.toString()).log("LINE media not fetched yet");
          }
          return null;
        });
  }
}
