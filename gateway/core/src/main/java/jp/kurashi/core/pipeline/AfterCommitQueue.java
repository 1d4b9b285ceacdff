package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs the after-commit work of stored messages (triage, automatic messages) a bounded number at a time.
 *
 * <p>A channel acknowledges at commit, so in a flood messages are stored faster than they can be triaged. Started
 * all at once, their steps would queue for database connections until the pool refused them, and a refused step
 * leaves a message untriaged, perhaps a crisis without its safety message. Here they wait their turn in memory
 * instead; beyond {@code maxQueued} they are not kept (the message itself is committed), and
 * {@link AfterCommitSweep} finds them in the database and runs them then, as it does after a crash.
 */
public final class AfterCommitQueue {

  private static final Logger LOG = LoggerFactory.getLogger(AfterCommitQueue.class);

  /** One unit of work: the steps of one or more messages (those of one case in one delivery run in order). */
  private record Work(List<Long> messageIds, Supplier<Future<Void>> run, Promise<Void> done) {
  }

  private final int maxRunning;
  private final int maxQueued;
  private final Deque<Work> queue = new ArrayDeque<>();
  private final Set<Long> pending = new HashSet<>();
  private int running;
  private long shed;
  /** Set by {@link #close}: no more work is taken, and this completes once the last running unit has finished. */
  private Promise<Void> closing;

  /**
   * @param maxRunning units running at once; with the database pool's size, triage and notices use at most that
   *                   many connections and leave the rest to the console and the outbox
   * @param maxQueued  units kept waiting before further ones are left to the sweep
   */
  public AfterCommitQueue(int maxRunning, int maxQueued) {
    if (maxRunning < 1 || maxQueued < 0) {
      throw new IllegalArgumentException("maxRunning must be positive and maxQueued not negative");
    }
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  /**
   * Runs {@code run} when a place is free; the future completes when it has run, or fails at once when the queue is
   * full (the sweep will do the work later). Never runs work for a message already waiting or running here.
   */
  public Future<Void> submit(List<Long> messageIds, Supplier<Future<Void>> run) {
    Work work = new Work(List.copyOf(messageIds), run, Promise.promise());
    boolean start;
    synchronized (this) {
      if (closing != null) {
        return Future.failedFuture(new IllegalStateException("stopping: after-commit work left to the sweep"));
      }
      if (messageIds.stream().anyMatch(pending::contains)) {
        return Future.succeededFuture();
      }
      if (running < maxRunning) {
        running++;
        start = true;
      } else if (queue.size() < maxQueued) {
        queue.addLast(work);
        start = false;
      } else {
        shed++;
        if (shed == 1 || shed % 1_000 == 0) {
          LOG.atWarn().addKeyValue("shed", shed).addKeyValue("queued", queue.size())
              .log("after-commit queue full: work left to the sweep");
        }
        return Future.failedFuture(new IllegalStateException("after-commit queue full"));
      }
      pending.addAll(work.messageIds());
    }
    if (start) {
      execute(work);
    }
    return work.done().future();
  }

  /** Whether work for this message is waiting or running here. */
  public synchronized boolean pending(long messageId) {
    return pending.contains(messageId);
  }

  /** How many more units may wait now before further ones are refused. */
  public synchronized int room() {
    return maxQueued - queue.size();
  }

  /** Whether nothing waits or runs: the after-commit work of every message handed here has finished. */
  public synchronized boolean idle() {
    return running == 0 && queue.isEmpty();
  }

  /**
   * Stops taking work, for a gateway that is stopping: the units still waiting are dropped (their messages are
   * committed, and {@link AfterCommitSweep} runs their steps after the next start, as after a crash); completes once
   * the units already running have finished, so they do not meet a closed database pool.
   */
  public Future<Void> close() {
    List<Work> dropped;
    Promise<Void> closed;
    synchronized (this) {
      if (closing != null) {
        return closing.future();
      }
      closing = Promise.promise();
      closed = closing;
      dropped = List.copyOf(queue);
      queue.clear();
      dropped.forEach(w -> pending.removeAll(w.messageIds()));
    }
    if (idle()) {
      // Outside the lock: what follows the close (the rest of a gateway's stop) must not run holding it.
      closed.tryComplete();
    }
    if (!dropped.isEmpty()) {
      LOG.atInfo().addKeyValue("units", dropped.size()).log("stopping: waiting after-commit work left to the sweep");
    }
    IllegalStateException stopping = new IllegalStateException("stopping: after-commit work left to the sweep");
    dropped.forEach(w -> w.done().tryFail(stopping));
    return closed.future();
  }

  /** Units waiting for a place. */
  public synchronized int queued() {
    return queue.size();
  }

  /** Runs {@code first}, then whatever waits, in a loop while work completes at once (no stack growth). */
  private void execute(Work first) {
    Work work = first;
    while (work != null) {
      Future<Void> ran;
      try {
        ran = work.run().get();
      } catch (RuntimeException e) {
        ran = Future.failedFuture(e);
      }
      if (!ran.isComplete()) {
        Work waiting = work;
        Future<Void> outcome = ran;
        ran.onComplete(ar -> execute(finish(waiting, outcome)));
        return;
      }
      work = finish(work, ran);
    }
  }

  /** Frees the place of {@code work} (or hands it to the next unit, which is returned) and completes it. */
  private Work finish(Work work, Future<Void> ran) {
    Work next;
    Promise<Void> closedNow = null;
    synchronized (this) {
      pending.removeAll(work.messageIds());
      next = queue.pollFirst();
      if (next == null) {
        running--;
        if (running == 0) {
          closedNow = closing;
        }
      }
    }
    if (closedNow != null) {
      closedNow.tryComplete();
    }
    work.done().handle(ran);
    return next;
  }
}
