package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.security.Redaction;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.core.store.OutboxStore.ClaimedReply;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Sends queued replies through their channel's connector and records the outcome.
 *
 * <p>Polls every {@code pollInterval} and whenever {@link #WAKE_ADDRESS} is signalled (a reply
 * was just queued on this instance). Any number of workers, on any number of instances, can
 * share one database: claims use {@code FOR UPDATE SKIP LOCKED} and a lease. On stop it takes
 * no new rows and waits for the sends in flight; rows it never got to stay pending for the next start.
 */
public final class OutboxWorker extends VerticleBase {

  /** Local event bus address that makes a worker look for due rows now. */
  public static final String WAKE_ADDRESS = "kurashi.outbox.wake";

  private static final Logger LOG = LoggerFactory.getLogger(OutboxWorker.class);

  private final OutboxStore store;
  private final ChannelRegistry channels;
  private final CaseEvents events;
  private final OutboxSettings settings;
  private final Clock clock;
  private final String workerId = "outbox-" + UUID.randomUUID();

  private long timerId = -1;
  private MessageConsumer<Object> wakeConsumer;
  private int inFlight;
  private boolean claiming;
  private boolean wakeAgain;
  private boolean stopping;
  private Promise<Void> drained;

  public OutboxWorker(OutboxStore store, ChannelRegistry channels, CaseEvents events, OutboxSettings settings,
                      Clock clock) {
    this.clock = clock;
    this.store = store;
    this.channels = channels;
    this.events = events;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    wakeConsumer = vertx.eventBus().localConsumer(WAKE_ADDRESS, msg -> poll());
    timerId = vertx.setPeriodic(1, settings.pollInterval().toMillis(), id -> poll());
    return wakeConsumer.completion();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    Future<Void> unregistered = wakeConsumer.unregister();
    if (inFlight == 0 && !claiming) {
      return unregistered;
    }
    drained = Promise.promise();
    return unregistered.compose(v -> drained.future());
  }

  private void poll() {
    if (stopping) {
      return;
    }
    if (claiming) {
      wakeAgain = true;
      return;
    }
    int room = settings.batchSize() - inFlight;
    if (room <= 0) {
      return;
    }
    claiming = true;
    store.claim(routes(), room, workerId)
        .onComplete(ar -> {
          claiming = false;
          if (ar.failed()) {
            LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(ar.cause())).log("outbox claim failed");
          } else {
            List<ClaimedReply> claimed = ar.result();
            claimed.forEach(this::dispatch);
            if (claimed.size() == room) {
              wakeAgain = true;
            }
          }
          checkDrained();
          if (wakeAgain && !stopping) {
            wakeAgain = false;
            poll();
          }
        });
  }

  private void dispatch(ClaimedReply reply) {
    inFlight++;
    // Each office has its own connector of a channel (its LINE channel, its mailbox); an office without one
    // cannot send on that channel, which no retry will change.
    Optional<ChannelConnector> connector = channels.find(reply.officeId(), reply.message().channel());
    Future<Void> recorded;
    if (reply.mayHaveArrived() && reply.keyExpired()) {
      recorded = holdForConfirmation(reply);
    } else {
      Future<SendReceipt> sending;
      try {
        // A resident who blocked the desk's LINE account after the reply was queued: LINE takes a push to them with
        // 200 and shows it to nobody, so sending would record "sent" for a reply no one reads.
        sending = !reply.reachable() ? Future.failedFuture(SendFailure.permanent(UNREACHABLE))
            : connector.isPresent() ? connector.get().send(reply.message())
            : Future.failedFuture(SendFailure.permanent("the channel is not set up for this office"));
      } catch (RuntimeException e) {
        sending = Future.failedFuture(e);
      }
      long waitMillis = connector.map(this::sendWait).orElse(settings.sendTimeout()).toMillis();
      recorded = sending.timeout(waitMillis, TimeUnit.MILLISECONDS)
          .compose(receipt -> recordSent(reply, receipt), err -> recordFailure(reply, err));
    }
    recorded
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.atError().addKeyValue("outboxId", reply.outboxId()).addKeyValue("error", DatabaseFailures.describe(ar.cause()))
                .log("outbox outcome not recorded; the row is retried when its lease ends");
          }
          inFlight--;
          checkDrained();
          if (!stopping) {
            poll();
          }
        });
  }

  /**
   * How long to wait for {@code connector}'s send. A timeout does not stop the send (a blocking SMTP session runs
   * on), so giving up before the channel does would record a retry for a reply that is still being delivered, and
   * the retry delivers it again. A channel that bounds its sends itself is waited for that long plus the outbox's
   * send timeout, which covers the time before its clock starts (the thread pool's queue, its own lookups).
   */
  private Duration sendWait(ChannelConnector connector) {
    return connector.longestSend().map(longest -> longest.plus(settings.sendTimeout())).orElse(settings.sendTimeout());
  }

  /**
   * Every (office, channel) this worker has a connector for, each claimed for at least twice its send wait, so
   * another instance does not take the row while this one is still sending it.
   */
  private List<OutboxStore.Route> routes() {
    return channels.routes().stream().map(route -> {
      Duration twice = sendWait(route.connector()).multipliedBy(2);
      return new OutboxStore.Route(route.officeId(), route.channel(),
          twice.compareTo(settings.lease()) > 0 ? twice : settings.lease(),
          route.connector().retryKeyLifetime().orElse(null));
    }).toList();
  }

  /**
   * Sending again could reach the resident twice: an earlier attempt may have been taken by the channel, which no
   * longer drops a repeat of its retry key (LINE: 24 hours after the first attempt). A consultant decides.
   */
  private Future<Void> holdForConfirmation(ClaimedReply reply) {
    log(reply, "reply held: it may have arrived, and its retry key has expired", null);
    return store.markAwaitingConfirmation(reply, MAY_HAVE_ARRIVED)
        .compose(recorded -> recorded ? publish(reply, CaseEvent.MESSAGE_FAILED) : Future.succeededFuture());
  }

  /** Staff read it as the reply's delivery error. */
  static final String UNREACHABLE = "相談者がこのチャネルで受け取れなくなったため送っていません(ブロックなど)。"
      + "相談者が再び友だち追加すると再送できます / not sent: the resident can no longer be reached on this channel "
      + "(blocked); it can be resent once they add the account again";

  /** Staff read it as the reply's delivery error; the console asks them to confirm before it is sent again. */
  static final String MAY_HAVE_ARRIVED = "前の送信で相談者に届いている可能性があり、チャネルの重複防止の期限も過ぎています。"
      + "届いていないことを確かめてから再送してください / an earlier attempt may have reached the resident, and the channel's"
      + " duplicate guard has expired: check that it did not arrive, then resend";

  private Future<Void> recordSent(ClaimedReply reply, SendReceipt receipt) {
    return store.markSent(reply, receipt == null ? null : receipt.externalId()).compose(recorded -> {
      log(reply, "reply sent", null);
      return recorded ? publish(reply, CaseEvent.MESSAGE_SENT) : Future.succeededFuture();
    });
  }

  private Future<Void> recordFailure(ClaimedReply reply, Throwable err) {
    int attempt = reply.message().attempt();
    SendFailure failure = err instanceof SendFailure f ? f : SendFailure.transientError(describe(err), null);
    if (failure.isPermanent() || settings.retry().exhausted(attempt)) {
      String reason = failure.isPermanent() ? failure.getMessage()
          : failure.getMessage() + " (gave up after " + attempt + " attempts)";
      log(reply, "reply failed", reason);
      return store.markFailed(reply, reason, failure.mayHaveArrived())
          .compose(recorded -> recorded ? publish(reply, CaseEvent.MESSAGE_FAILED) : Future.succeededFuture());
    }
    Duration delay = settings.retry().delayAfter(attempt, failure.retryAfter(), ThreadLocalRandom.current());
    log(reply, "reply will be retried", failure.getMessage());
    return store.markRetry(reply, delay, failure.getMessage(), failure.mayHaveArrived()).mapEmpty();
  }

  private static String describe(Throwable err) {
    if (err instanceof java.util.concurrent.TimeoutException) {
      return "channel did not answer in time";
    }
    return err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
  }

  private Future<Void> publish(ClaimedReply reply, String type) {
    CaseEvent event = new CaseEvent(type, reply.officeId(), reply.message().caseId(), reply.contactId(),
        reply.message().messageId(),
        reply.message().channel(), clock.instant());
    return events.publish(event).recover(err -> {
      LOG.atWarn().addKeyValue("caseId", reply.message().caseId()).log("delivery event not published");
      return Future.succeededFuture();
    });
  }

  private void log(ClaimedReply reply, String what, String reason) {
    LOG.atInfo()
        .addKeyValue("outboxId", reply.outboxId())
        .addKeyValue("messageId", reply.message().messageId())
        .addKeyValue("caseId", reply.message().caseId())
        .addKeyValue("channel", reply.message().channel())
        .addKeyValue("attempt", reply.message().attempt())
        .addKeyValue("reason", Redaction.addresses(reason))
        .log(what);
  }

  private void checkDrained() {
    if (stopping && drained != null && inFlight == 0 && !claiming) {
      drained.tryComplete();
    }
  }
}
