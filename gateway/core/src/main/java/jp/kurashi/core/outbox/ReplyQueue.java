package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.MessageStore.DraftReply;
import jp.kurashi.core.store.MessageStore.QueuedReply;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Queues a staff reply for delivery on the case's own channel: message and outbox row in
 * one transaction, then a live event and a nudge to the local outbox worker.
 */
public final class ReplyQueue {

  private final Vertx vertx;
  private final MessageStore store;
  private final CaseEvents events;
  private final Clock clock;

  public ReplyQueue(Vertx vertx, MessageStore store, CaseEvents events, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.store = store;
    this.events = events;
  }

  /** A consultant's reply; completes once committed, delivery follows asynchronously. */
  public Future<QueuedReply> queue(long caseId, long staffId, String text) {
    return queueOn(caseId, staffId, text);
  }

  /**
   * A consultant's reply from the console's draft {@code draftId}: a draft sent again (its answer was lost) is not
   * queued twice, and announced only the first time.
   *
   * @see MessageStore#queueDraft
   */
  public Future<DraftReply> queueDraft(long caseId, long staffId, String text, UUID draftId) {
    return store.queueDraft(caseId, staffId, text, draftId).onSuccess(sent -> {
      if (!sent.alreadyQueued()) {
        announce(sent.reply());
      }
    });
  }

  /** An automatic message (out-of-hours notice, safety message, confirmation): no staff author. */
  public Future<QueuedReply> queueSystem(long caseId, String text) {
    return queueOn(caseId, null, text);
  }

  /**
   * The consent request, unless this contact agreed to or was asked for {@code version} already: the mark and the
   * message in one commit.
   *
   * @see MessageStore#queueConsentRequestOnce
   */
  public Future<Optional<QueuedReply>> queueConsentRequestOnce(long caseId, long contactId, String version,
                                                               Function<String, String> text) {
    return store.queueConsentRequestOnce(caseId, contactId, version, text)
        .onSuccess(queued -> queued.ifPresent(this::announce));
  }

  /**
   * An automatic notice, unless the case had one within {@code minGap}: one statement, one commit.
   *
   * @see MessageStore#queueAutoNotice
   */
  public Future<Optional<QueuedReply>> queueAutomaticOnce(long caseId, Duration minGap,
                                                          Map<String, String> textByLanguage, String fallback) {
    return store.queueAutoNotice(caseId, minGap, textByLanguage, fallback)
        .onSuccess(queued -> queued.ifPresent(this::announce));
  }

  /**
   * The safety message, unless the case had one within {@code minGap}: one statement, one commit. With
   * {@code asNotice} it also takes the automatic-notice slot (it carries the opening hours).
   *
   * @see MessageStore#queueSafetyNotice
   */
  public Future<Optional<QueuedReply>> queueSafetyOnce(long caseId, Duration minGap, Map<String, String> textByLanguage,
                                                       String fallback, boolean asNotice) {
    return store.queueSafetyNotice(caseId, minGap, textByLanguage, fallback, asNotice)
        .onSuccess(queued -> queued.ifPresent(this::announce));
  }

  private Future<QueuedReply> queueOn(long caseId, Long staffId, String text) {
    return store.queueReply(caseId, staffId, text).onSuccess(this::announce);
  }

  /**
   * After the commit of a reply queued by another command's transaction (a handoff's confirmation): wakes the
   * local worker and publishes {@code message.queued}, as for any reply.
   */
  public void announce(QueuedReply reply) {
    wakeWorker();
    events.publish(new CaseEvent(CaseEvent.MESSAGE_QUEUED, reply.officeId(), reply.caseId(), reply.contactId(),
        reply.messageId(), reply.channel(), clock.instant()));
  }

  /** Nudges the local outbox worker (a failed reply put back in the outbox) instead of waiting for its next poll. */
  public void wakeWorker() {
    vertx.eventBus().publish(OutboxWorker.WAKE_ADDRESS, null);
  }
}
