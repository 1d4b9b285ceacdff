package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.store.MailStore;
import jp.kurashi.core.store.MailStore.MailboxLock;
import jp.kurashi.core.store.MailStore.PendingMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Polls the desk's IMAP mailbox: every {@code MAIL_POLL_SECONDS}, and at once when IMAP IDLE reports
 * new mail. Only the instance holding the mailbox's advisory lock polls. Each round stores the new
 * mails raw and moves the cursor (one transaction), marks them processed on the server, then turns
 * stored mails into messages. A restart neither re-ingests nor skips: the cursor and the raw rows are
 * in PostgreSQL. All IMAP work runs on worker threads.
 */
public final class MailPoller extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MailPoller.class);
  private static final int FETCH_BATCH = 50;
  private static final int PROCESS_BATCH = 20;

  private final MailSettings settings;
  private final MailStore store;
  private final InboundPipeline pipeline;
  private final GatewayMetrics metrics;
  private final ImapMailbox mailbox;
  private MailIngest ingest;
  private volatile ImapMailbox idleWatcher;
  private MailboxLock lock;
  private long timer = -1;
  private boolean polling;
  private boolean again;
  private boolean stopping;
  private Thread idleThread;
  private volatile String lastError;
  private final Clock clock;

  public MailPoller(MailSettings settings, MailStore store, InboundPipeline pipeline, GatewayMetrics metrics,
                    Clock clock) {
    this.clock = clock;
    this.settings = settings;
    this.store = store;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.mailbox = new ImapMailbox(settings);
  }

  @Override
  public Future<?> start() {
    ingest = new MailIngest(vertx, new MailParser(settings.maxAttachmentBytes()), store, pipeline, metrics, clock);
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
    lock.check()
        .recover(err -> {
          lock = null;
          return Future.failedFuture(new IllegalStateException("mailbox lock lost: " + err.getMessage()));
        })
        .compose(v -> store.cursor(settings.mailboxKey()))
        .compose(this::fetch)
        .compose(fetched -> processPending().map(fetched))
        .onComplete(ar -> {
          polling = false;
          if (ar.failed()) {
            lastError = ar.cause().getMessage();
            metrics.increment("mail_poll_failures_total");
            LOG.atWarn().addKeyValue("mailbox", settings.mailboxKey()).addKeyValue("error", ar.cause().toString())
                .log("mail poll failed; retrying next round");
          } else {
            lastError = null;
            if (ar.result() >= FETCH_BATCH) {
              again = true;
            }
          }
          if (again && !stopping) {
            again = false;
            vertx.runOnContext(v -> poll());
          }
        });
  }

  private Future<Integer> fetch(Optional<long[]> cursor) {
    return vertx.executeBlocking(() -> {
      try {
        return mailbox.fetch(cursor, FETCH_BATCH);
      } catch (Exception e) {
        mailbox.close();
        throw e;
      }
    }, true).compose(fetched -> {
      if (fetched.mails().isEmpty() && cursor.map(c -> c[0] == fetched.uidValidity()).orElse(false)) {
        return Future.succeededFuture(0);
      }
      List<Long> uids = fetched.mails().stream().map(MailStore.RawMail::uid).toList();
      return store.storeFetched(settings.mailboxKey(), fetched.uidValidity(), fetched.mails(), fetched.lastUid())
          .compose(v -> vertx.executeBlocking(() -> {
            mailbox.markProcessed(uids);
            return uids.size();
          }, true));
    });
  }

  private Future<Void> processPending() {
    return store.pending(settings.mailboxKey(), PROCESS_BATCH).compose(pending -> {
      Future<Void> chain = Future.succeededFuture();
      for (PendingMail mail : pending) {
        chain = chain.compose(v -> ingest(mail));
      }
      return chain.compose(v -> pending.size() == PROCESS_BATCH ? processPending() : Future.succeededFuture());
    });
  }

  private Future<Void> ingest(PendingMail mail) {
    return ingest.process(mail).recover(err -> {
      // Storage trouble, not the mail's fault: leave it pending for the next round.
      LOG.atWarn().addKeyValue("inboxId", mail.inboxId()).addKeyValue("error", err.toString())
          .log("mail not ingested this round");
      return Future.succeededFuture();
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
          vertx.runOnContext(v -> poll());
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
    Future<Void> closed = vertx.executeBlocking(() -> {
      mailbox.close();
      return null;
    }, false);
    return lock == null ? closed : closed.compose(v -> lock.release());
  }
}
