package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.connectors.mail.MailStore.MailboxLock;
import jp.kurashi.connectors.mail.MailStore.DueMail;
import jp.kurashi.connectors.mail.MailStore.PendingMail;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Polls the desk's IMAP mailbox: every {@code MAIL_POLL_SECONDS}, and at once when IMAP IDLE reports
 * new mail. Only the instance holding the mailbox's advisory lock polls. Each round stores the new
 * mails raw and moves the cursor (one transaction), marks them processed on the server, then turns
 * stored mails into messages. A restart neither re-ingests nor skips: the cursor and the raw rows are
 * in PostgreSQL. A mail that fails is retried in a later round, when its backoff has passed, and
 * quarantined after the last attempt, so it never delays the mails behind it. All IMAP work runs on
 * worker threads.
 */
public final class MailPoller extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MailPoller.class);
  private static final int FETCH_BATCH = 50;
  /** The most a batch's mails may weigh together, by the sizes the server reports. */
  private static final long FETCH_BYTES = 32L * 1024 * 1024;
  private static final int PROCESS_BATCH = 20;
  /** How often processed mail past {@code MAIL_SERVER_KEEP_DAYS} is looked for on the server. */
  private static final Duration DELETE_EVERY = Duration.ofHours(1);
  /** The longest a stop waits for the round in flight (the shutdown's grace is longer). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(8);
  /** The most mails one round deletes; more are deleted in the rounds after it. */
  private static final int DELETE_BATCH = 500;
  /**
   * This poller's mark on the mail it is ingesting: a new one at every start, so the next start (or another instance)
   * finding it knows the ingest never finished.
   */
  private final java.util.UUID taker = java.util.UUID.randomUUID();
  /** Three attempts about 30 s and 60 s apart: long enough for a database hiccup to pass. */
  static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(30), Duration.ofMinutes(10));

  private final MailSettings settings;
  private final MailStore store;
  private final InboundPipeline pipeline;
  private final GatewayMetrics metrics;
  private final ImapMailbox mailbox;
  private final RetryPolicy retry;
  private MailIngest ingest;
  private volatile ImapMailbox idleWatcher;
  private MailboxLock lock;
  private long timer = -1;
  private boolean polling;
  /** The round in flight, if any: stop() waits for it, so a stopped poller takes no mail a successor may be taking. */
  private Future<Void> round = Future.succeededFuture();
  private boolean again;
  /** Read by the IDLE thread too. */
  private volatile boolean stopping;
  private Thread idleThread;
  private volatile String lastError;
  /** Quarantined mails still held, as of the last round: an operator's alert, since no resident will see them. */
  private final java.util.concurrent.atomic.AtomicLong quarantined = new java.util.concurrent.atomic.AtomicLong();
  private final Clock clock;
  private java.time.Instant nextDeletion = java.time.Instant.MIN;

  public MailPoller(MailSettings settings, MailStore store, InboundPipeline pipeline, GatewayMetrics metrics,
                    Clock clock) {
    this(settings, store, pipeline, metrics, RETRY, clock);
  }

  /** A poller with its own retry policy for mails that fail (tests use short delays). */
  public MailPoller(MailSettings settings, MailStore store, InboundPipeline pipeline, GatewayMetrics metrics,
                    RetryPolicy retry, Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.store = store;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.retry = retry;
    this.mailbox = new ImapMailbox(settings);
  }

  @Override
  public Future<?> start() {
    ingest = new MailIngest(vertx, new MailParser(settings.maxAttachmentBytes()),
        new SenderAuthentication(settings.authservId()), settings.address(), store, pipeline, metrics, retry, clock);
    metrics.gauge("mail_quarantined_mails", quarantined::get);
    timer = vertx.setPeriodic(1, settings.pollInterval().toMillis(), id -> tick());
    return Future.succeededFuture();
  }

  /** The last polling error, or {@code null} when the mailbox answers. */
  String lastError() {
    return lastError;
  }

  private void tick() {
    if (stopping) {
      return;
    }
    if (lock != null) {
      poll();
      return;
    }
    store.tryLock(settings.mailboxKey()).onSuccess(held -> {
      if (held.isEmpty()) {
        LOG.atDebug().log("another instance polls this mailbox");
        return;
      }
      if (stopping) {
        // Stopped while the lock was being taken: stop() saw no lock to release, and kept it would bar every poller.
        held.get().release();
        return;
      }
      lock = held.get();
      LOG.atInfo().addKeyValue("mailbox", settings.mailboxKey()).log("polling mailbox");
      startIdle();
      poll();
    }).onFailure(err -> LOG.atWarn().addKeyValue("error", err.toString()).log("mailbox lock not taken"));
  }

  /** Polls now (also called when IDLE reports new mail). */
  void poll() {
    if (stopping || lock == null) {
      return;
    }
    if (polling) {
      again = true;
      return;
    }
    polling = true;
    Promise<Void> done = Promise.promise();
    round = done.future();
    lock.check()
        .recover(err -> {
          lock = null;
          return Future.failedFuture(new IllegalStateException("mailbox lock lost: " + err.getMessage()));
        })
        .compose(v -> store.cursor(settings.mailboxKey()))
        .compose(this::fetch)
        .compose(fetched -> processPending().map(fetched))
        .compose(fetched -> store.quarantined().map(n -> {
          quarantined.set(n);
          return fetched;
        }))
        .compose(fetched -> deleteFromServer(fetched).map(fetched))
        .onComplete(ar -> {
          polling = false;
          done.complete();
          if (ar.failed() && stopping) {
            LOG.atDebug().log("mail round cut short by the stop"); // its mailbox was closed under it
          } else if (ar.failed()) {
            lastError = DatabaseFailures.describe(ar.cause());
            metrics.increment("mail_poll_failures_total");
            LOG.atWarn().addKeyValue("mailbox", settings.mailboxKey()).addKeyValue("error", DatabaseFailures.describe(ar.cause()))
                .log("mail poll failed; retrying next round");
          } else {
            lastError = null;
            if (ar.result()) {
              again = true;
            }
          }
          if (again && !stopping) {
            again = false;
            context.runOnContext(v -> poll());
          }
        });
  }

  /** Stores the next batch of new mails; true when more are waiting. */
  private Future<Boolean> fetch(Optional<MailStore.Cursor> cursor) {
    return imap(() -> mailbox.fetch(cursor, FETCH_BATCH, FETCH_BYTES)).compose(fetched -> {
      if (fetched.mails().isEmpty() && cursor.map(c -> c.uidValidity() == fetched.uidValidity()).orElse(false)) {
        return Future.succeededFuture(false);
      }
      // A too-large mail stays unread where it is: the desk stored only its header, staff open it on the server.
      List<Long> uids = fetched.mails().stream().filter(m -> !m.tooLarge()).map(MailStore.RawMail::uid).toList();
      return store.storeFetched(settings.mailboxKey(), fetched.uidValidity(), fetched.mails(), fetched.lastUid())
          // Stopping (the mailbox is being closed): stored is enough; the mails stay unflagged on the server.
          .compose(v -> stopping ? Future.succeededFuture(List.<ImapMailbox.Moved>of())
              : imap(() -> mailbox.markProcessed(uids)))
          .compose(moved -> store.recordMoved(settings.mailboxKey(), fetched.uidValidity(), settings.processedFolder(),
              moved))
          .map(v -> fetched.more());
    });
  }

  /**
   * With {@code MAIL_SERVER_KEEP_DAYS}, deletes from the server, once an hour and never while a backlog is being
   * fetched, the mails that arrived there longer ago and that the database holds as handled: in the processed folder
   * those it moved there (by the UIDs the server gave them), else those of the polled folder. A pending or quarantined
   * mail, one someone else put there, or one whose UID there is unknown stays. A failure is logged and tried again
   * next hour; it never fails the round.
   */
  private Future<Void> deleteFromServer(boolean backlog) {
    java.time.Instant now = clock.instant();
    if (settings.serverKeep() == null || stopping || backlog || now.isBefore(nextDeletion)) {
      return Future.succeededFuture();
    }
    nextDeletion = now.plus(DELETE_EVERY);
    boolean processed = settings.processedFolder() != null;
    java.time.Instant before = now.minus(settings.serverKeep());
    return imap(() -> mailbox.arrivedBefore(processed, before))
        .compose(arrived -> arrived.isEmpty() || arrived.get().uids().isEmpty() ? Future.succeededFuture(0)
            : store.handledUids(settings.mailboxKey(), settings.processedFolder(), arrived.get().uidValidity(),
                arrived.get().uids())
                .compose(handled -> {
                  if (stopping || handled.isEmpty()) {
                    return Future.succeededFuture(0);
                  }
                  if (handled.size() > DELETE_BATCH) {
                    nextDeletion = now; // more to delete: the next round goes on
                  }
                  List<Long> batch = handled.subList(0, Math.min(handled.size(), DELETE_BATCH));
                  return imap(() -> mailbox.delete(processed, arrived.get().uidValidity(), batch));
                }))
        .onSuccess(deleted -> {
          if (deleted > 0) {
            metrics.add("mail_server_deleted_total", deleted);
            LOG.atInfo().addKeyValue("mailbox", settings.mailboxKey()).addKeyValue("deleted", deleted)
                .log("processed mail deleted from the mail server");
          }
        })
        .<Void>mapEmpty()
        .recover(err -> {
          LOG.atWarn().addKeyValue("mailbox", settings.mailboxKey()).addKeyValue("error", DatabaseFailures.describe(err))
              .log("processed mail not deleted from the mail server; trying again next hour");
          return Future.succeededFuture();
        });
  }

  /** Runs IMAP work on a worker thread; a failure closes the connection, so the next use opens a fresh one. */
  private <T> Future<T> imap(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(() -> {
      try {
        return work.call();
      } catch (Exception e) {
        mailbox.close();
        throw e;
      }
    }, true);
  }

  /**
   * Processes the mails that are due, new ones before retries. Every mail leaves the due set
   * (stored, waiting for its retry, or quarantined), so the next batch holds other ones; if not even
   * a failure could be recorded (database down), the round stops and the next one starts over.
   */
  private Future<Void> processPending() {
    return store.pending(settings.mailboxKey(), PROCESS_BATCH).compose(pending -> {
      Future<Void> chain = Future.succeededFuture();
      if (stopping) {
        return Future.succeededFuture();
      }
      for (DueMail due : pending) {
        // One mail's bytes in memory at a time; a mail no longer pending by its turn is passed over, and a stopping
        // poller takes no further one: once it lets go of the mailbox lock, another instance may be taking them.
        chain = chain.compose(v -> stopping ? Future.succeededFuture(Optional.<PendingMail>empty())
                : store.take(due, taker, MailIngest.INTERRUPTED, retry.maxAttempts()))
            .compose(mail -> mail.isPresent() ? ingest.process(mail.get()) : Future.succeededFuture());
      }
      return chain.compose(v -> pending.size() == PROCESS_BATCH && !stopping ? processPending()
          : Future.succeededFuture());
    });
  }

  private void startIdle() {
    idleThread = new Thread(this::idleLoop, "mail-idle");
    idleThread.setDaemon(true);
    idleThread.start();
  }

  /** Waits in IMAP IDLE on its own connection and wakes the poller on every change. */
  private void idleLoop() {
    ImapMailbox watcher = new ImapMailbox(settings);
    idleWatcher = watcher;
    long backoff = 1_000;
    try {
      if (!watcher.supportsIdle()) {
        LOG.atInfo().log("IMAP server has no IDLE; polling only");
        return;
      }
      while (!stopping) {
        try {
          watcher.idle();
          backoff = 1_000;
          // The poller's own context: vertx.runOnContext from this plain thread would make a new one, and a round
          // started there would run beside this verticle's, on another event loop.
          context.runOnContext(v -> poll());
        } catch (Exception e) {
          if (stopping) {
            return;
          }
          watcher.close();
          Thread.sleep(backoff);
          backoff = Math.min(backoff * 2, 60_000);
        }
      }
    } catch (Exception e) {
      if (!stopping) {
        LOG.atWarn().addKeyValue("error", e.toString()).log("IMAP IDLE stopped; polling only");
      }
    } finally {
      watcher.close();
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    if (idleThread != null) {
      idleThread.interrupt();
    }
    ImapMailbox watcher = idleWatcher;
    if (watcher != null) {
      // Closing the IDLE connection ends the blocked IDLE; nobody waits for it.
      Thread closer = new Thread(watcher::close, "mail-idle-close");
      closer.setDaemon(true);
      closer.start();
    }
    // The mailbox is closed first, so a fetch in flight fails at once instead of reading on; then the round in flight
    // ends (it takes no further mail once stopping), and only then is the lock let go: before, another instance would
    // ingest beside this one and count its marks as crashes. The wait is bounded so a shutdown keeps its grace time.
    Future<Void> closed = vertx.executeBlocking(() -> {
      mailbox.close();
      return null;
    }, false);
    return closed.eventually(() -> round.timeout(STOP_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
            .otherwiseEmpty())
        .compose(v -> lock == null ? Future.succeededFuture() : lock.release());
  }
}
