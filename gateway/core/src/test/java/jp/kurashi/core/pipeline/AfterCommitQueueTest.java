package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("After-commit work is bounded")
class AfterCommitQueueTest {

  @Test
  @DisplayName("no more than maxRunning units run at once; the rest wait in order and run as places free")
  void bounded() {
    AfterCommitQueue queue = new AfterCommitQueue(2, 10);
    List<Promise<Void>> running = new ArrayList<>();
    List<Integer> started = new ArrayList<>();
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      done.add(queue.submit(List.of((long) n), () -> {
        started.add(n);
        Promise<Void> p = Promise.promise();
        running.add(p);
        return p.future();
      }));
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(queue.queued()).isEqualTo(3);
    running.get(0).complete();
    assertThat(started).containsExactly(0, 1, 2);
    assertThat(done.get(0).succeeded()).isTrue();
    running.get(1).fail("a step failed");
    running.get(2).complete();
    assertThat(started).containsExactly(0, 1, 2, 3, 4);
    assertThat(done.get(1).failed()).isTrue();
    assertThat(queue.queued()).isZero();
  }

  @Test
  @DisplayName("when the queue is full, further work is refused at once (left to the sweep), not kept")
  void full() {
    AfterCommitQueue queue = new AfterCommitQueue(1, 1);
    Promise<Void> blocking = Promise.promise();
    queue.submit(List.of(1L), blocking::future);
    Future<Void> waiting = queue.submit(List.of(2L), Future::succeededFuture);
    Future<Void> refused = queue.submit(List.of(3L), Future::succeededFuture);
    assertThat(refused.failed()).isTrue();
    assertThat(queue.pending(3L)).isFalse();
    assertThat(queue.pending(2L)).isTrue();
    blocking.complete();
    assertThat(waiting.succeeded()).isTrue();
    assertThat(queue.pending(1L)).isFalse();
  }

  @Test
  @DisplayName("a message already waiting or running is not submitted twice (the sweep and a late commit)")
  void once() {
    AfterCommitQueue queue = new AfterCommitQueue(1, 10);
    AtomicInteger runs = new AtomicInteger();
    Promise<Void> blocking = Promise.promise();
    queue.submit(List.of(7L), () -> {
      runs.incrementAndGet();
      return blocking.future();
    });
    queue.submit(List.of(7L), () -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    });
    blocking.complete();
    assertThat(runs).hasValue(1);
  }

  @Test
  @DisplayName("work that completes at once is run in a loop: a long queue does not grow the stack")
  void synchronousWork() {
    AfterCommitQueue queue = new AfterCommitQueue(1, 200_000);
    Promise<Void> first = Promise.promise();
    queue.submit(List.of(0L), first::future);
    AtomicInteger ran = new AtomicInteger();
    for (long i = 1; i <= 100_000; i++) {
      queue.submit(List.of(i), () -> {
        ran.incrementAndGet();
        return Future.succeededFuture();
      });
    }
    first.complete();
    assertThat(ran).hasValue(100_000);
    assertThat(queue.queued()).isZero();
  }

  @Test
  @DisplayName("closing drops the waiting units, lets the running one finish first, and refuses new work")
  void close() {
    AfterCommitQueue queue = new AfterCommitQueue(1, 10);
    Promise<Void> running = Promise.promise();
    List<Long> ran = new ArrayList<>();
    queue.submit(List.of(1L), () -> {
      ran.add(1L);
      return running.future();
    });
    Future<Void> waiting = queue.submit(List.of(2L), () -> {
      ran.add(2L);
      return Future.succeededFuture();
    });
    assertThat(queue.idle()).isFalse();

    Future<Void> closed = queue.close();
    assertThat(waiting.failed()).as("the waiting unit is left to the sweep").isTrue();
    assertThat(queue.pending(2L)).isFalse();
    assertThat(closed.isComplete()).as("the running unit has not finished").isFalse();
    assertThat(queue.submit(List.of(3L), Future::succeededFuture).failed()).isTrue();

    running.complete();
    assertThat(closed.succeeded()).isTrue();
    assertThat(ran).containsExactly(1L);
    assertThat(queue.idle()).isTrue();
    assertThat(queue.close().succeeded()).as("closing twice").isTrue();
  }
}
