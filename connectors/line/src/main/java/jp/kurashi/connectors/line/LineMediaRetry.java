package jp.kurashi.connectors.line;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.connectors.line.LineStore.PendingMedia;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Every {@code LINE_MEDIA_RETRY_SECONDS}, fetches the media that are due again: those whose fetch failed, and those
 * a restart or a crash left between the 200 and the file. One instance runs it (a leased job); each round takes a few
 * at a time, one after another, so a backlog never floods LINE or the heap.
 */
final class LineMediaRetry extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LineMediaRetry.class);
  private static final int PER_ROUND = 8;

  private final LineStore store;
  private final LineMediaFetcher fetcher;
  private final Duration interval;
  private long timer = -1;
  private boolean running;

  LineMediaRetry(LineStore store, LineMediaFetcher fetcher, Duration interval) {
    this.store = store;
    this.fetcher = fetcher;
    this.interval = interval;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(1, interval.toMillis(), id -> round());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  private void round() {
    if (running) {
      return;
    }
    running = true;
    // The lease outlasts a whole round of fetches, each bounded by the API timeout, so no other taker overlaps it.
    store.dueMedia(PER_ROUND, fetcher.firstTryTime().multipliedBy(PER_ROUND))
        .compose(this::fetchInTurn)
        .onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
            .log("LINE media due for another attempt not read"))
        .onComplete(done -> running = false);
  }

  private Future<Void> fetchInTurn(List<PendingMedia> due) {
    Future<Void> chain = Future.succeededFuture();
    for (PendingMedia media : due) {
      // Counted right before its fetch, so only media whose own fetch a crash cut short are charged for it.
      chain = chain.compose(v -> store.mediaTaken(media.messageId(), fetcher.attemptsAllowed()))
          .compose(taking -> switch (taking) {
            case GONE -> Future.<Void>succeededFuture();
            case GIVEN_UP -> {
              fetcher.givenUpUnfinished(media.messageId());
              yield Future.<Void>succeededFuture();
            }
            case FETCH -> fetchBounded(media);
          });
    }
    return chain;
  }

  /** One fetch, within a time limit: a fetch that never answers must not hold this round and every one after it. */
  private Future<Void> fetchBounded(PendingMedia media) {
    return fetcher.fetch(media)
        .timeout(fetcher.firstTryTime().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(err -> {
          // Our own time limit first: DatabaseFailures counts any TimeoutException as the database's.
          if (!(err instanceof java.util.concurrent.TimeoutException) && DatabaseFailures.unavailable(err)) {
            return Future.failedFuture(err);
          }
          LOG.atWarn().addKeyValue("messageId", media.messageId()).log("LINE media attempt timed out; it stays due");
          return Future.succeededFuture();
        });
  }
}
