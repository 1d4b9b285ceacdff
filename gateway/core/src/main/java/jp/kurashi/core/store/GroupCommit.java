package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Group commit for inbound messages: messages that arrive while earlier ones are committing share the
 * next transaction, so a burst costs one WAL flush per batch instead of one per message. Each message is
 * still acknowledged only after the commit that holds it. At low load a batch is a single message and
 * nothing waits: batches form only from messages that would otherwise queue for a connection. A batch is
 * stored set-based ({@link GroupIngest}: one statement for the whole batch), so a batch of 30 costs about what
 * one message costs, on the client as on the server.
 *
 * <p>If a shared transaction fails (one bad message, a deadlock between batches), every message of it is
 * tried again on its own, so one message's error never fails another's.
 */
final class GroupCommit {

  /** One pending message and whoever waits for its commit. */
  private record Pending(long officeId, InboundMessage message, Promise<IngestResult> done) {
  }

  /** How the statements of one message run on a connection or pool. */
  interface Ingest {
    Future<IngestResult> on(SqlClient client, long officeId, InboundMessage message);
  }

  private final Pool pool;
  private final Ingest ingest;
  private final GroupIngest group;
  private final int maxBatch;
  private final int maxInFlight;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  GroupCommit(Pool pool, Ingest ingest, int maxBatch, int maxInFlight) {
    this.pool = pool;
    this.ingest = ingest;
    this.group = new GroupIngest(ingest);
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Completes after the transaction holding {@code message} has committed. */
  Future<IngestResult> submit(long officeId, InboundMessage message) {
    Promise<IngestResult> done = Promise.promise();
    synchronized (this) {
      queue.addLast(new Pending(officeId, message, done));
    }
    drain();
    return done.future();
  }

  private void drain() {
    List<Pending> batch;
    synchronized (this) {
      if (inFlight >= maxInFlight || queue.isEmpty()) {
        return;
      }
      inFlight++;
      batch = new ArrayList<>(Math.min(maxBatch, queue.size()));
      while (batch.size() < maxBatch && !queue.isEmpty()) {
        batch.add(queue.pollFirst());
      }
    }
    run(batch).onComplete(ignored -> {
      synchronized (this) {
        inFlight--;
      }
      drain();
    });
  }

  private Future<Void> run(List<Pending> batch) {
    if (batch.size() == 1) {
      return alone(batch.get(0));
    }
    // The same order of contacts in every batch, so two concurrent batches never wait on each other's rows
    // in opposite orders; the sort is stable, so one resident's messages keep their order.
    List<Pending> ordered = batch.stream()
        .sorted(Comparator.comparing((Pending p) -> p.message().channel()).thenComparing(p -> p.message().contactRef()))
        .toList();
    List<GroupIngest.Request> requests = ordered.stream()
        .map(p -> new GroupIngest.Request(p.officeId(), p.message()))
        .toList();
    // One statement is atomic by itself and answers after its commit: no BEGIN/COMMIT round trips.
    Future<List<IngestResult>> stored = GroupIngest.oneStatement(requests)
        ? group.on(pool, requests)
        : pool.withTransaction(conn -> group.on(conn, requests));
    return stored.transform(ar -> {
      if (ar.succeeded()) {
        List<IngestResult> results = ar.result();
        List<Future<Void>> raced = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
          if (results.get(i) != null) {
            ordered.get(i).done().complete(results.get(i));
          } else {
            raced.add(alone(ordered.get(i)));
          }
        }
        return Future.join(raced).mapEmpty();
      }
      List<Future<Void>> retries = new ArrayList<>(ordered.size());
      for (Pending p : ordered) {
        retries.add(alone(p));
      }
      return Future.join(retries).mapEmpty();
    });
  }

  private Future<Void> alone(Pending p) {
    return ingest.on(pool, p.officeId(), p.message()).onComplete(p.done()).mapEmpty();
  }
}
