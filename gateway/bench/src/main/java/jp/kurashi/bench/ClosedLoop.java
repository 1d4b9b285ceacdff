package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A closed loop: {@code senders} at once, each sending its next request when its last is answered, until the time
 * is up. The most a server answers with that many waiting on it, and how long each answer took.
 */
final class ClosedLoop {

  /** Answers per second over the whole run, and their latencies. */
  record Result(double perSecond, Percentiles latencies) {
  }

  private ClosedLoop() {
  }

  /**
   * Runs the loop and waits for it (call it off the event loop). {@code request} sends one request and completes with
   * its latency in nanoseconds; one failed request fails the run.
   */
  static Result run(Vertx vertx, int senders, int seconds, Supplier<Future<Long>> request) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> done = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < senders; i++) {
      Promise<Void> sender = Promise.promise();
      done.add(sender.future());
      vertx.runOnContext(v -> next(request, deadline, latencies, sender));
    }
    Future.all(done).await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    Percentiles pct = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
    return new Result(pct.count() / elapsed, pct);
  }

  private static void next(Supplier<Future<Long>> request, long deadline, List<Long> latencies, Promise<Void> sender) {
    if (System.nanoTime() >= deadline) {
      sender.complete();
      return;
    }
    request.get().onComplete(ar -> {
      if (ar.failed()) {
        sender.fail(ar.cause());
        return;
      }
      latencies.add(ar.result());
      next(request, deadline, latencies, sender);
    });
  }
}
