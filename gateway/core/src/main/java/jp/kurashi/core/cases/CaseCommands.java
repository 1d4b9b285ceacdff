package jp.kurashi.core.cases;

import io.vertx.core.Future;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseChange;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.CaseCommandStore;
import jp.kurashi.core.store.CaseCommandStore.Assignment;
import jp.kurashi.core.store.CaseCommandStore.Claim;
import jp.kurashi.core.store.CaseCommandStore.Noted;
import jp.kurashi.core.store.HandoffStore;
import jp.kurashi.core.store.HandoffStore.Created;
import jp.kurashi.core.store.HandoffStore.NewHandoff;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * What staff do to a case: each command is one statement or one transaction (a handoff's confirmation is queued
 * in it through the reply path), and after its commit the command publishes its own event with the case's new state,
 * so consoles update the queue row and the open case without reading it again. Access checks and audit rows are the
 * caller's: a command assumes it is allowed.
 *
 * <pre>{@code
 * commands.close(caseId, "referred").onSuccess(closed -> ...);   // publishes case.closed when it was open
 * }</pre>
 */
public final class CaseCommands {

  private final CaseCommandStore store;
  private final HandoffStore handoffs;
  private final ReplyQueue replies;
  private final CaseEvents events;
  private final Clock clock;

  public CaseCommands(CaseCommandStore store, HandoffStore handoffs, ReplyQueue replies, CaseEvents events,
                      Clock clock) {
    this.store = store;
    this.handoffs = handoffs;
    this.replies = replies;
    this.events = events;
    this.clock = clock;
  }

  /** The staff member takes an open, unassigned case of their office: {@code case.claimed}. */
  public Future<Claim> claim(long caseId, long staffId, long officeId) {
    return store.claim(caseId, staffId, officeId).map(claimed -> {
      if (claimed.outcome() == Claim.CLAIMED) {
        publish(CaseEvent.CASE_CLAIMED, claimed.change());
      }
      return claimed.outcome();
    });
  }

  /** The chief gives the case to an active consultant or chief of the office: {@code case.assigned}. */
  public Future<Assignment> assign(long caseId, long staffId, long officeId) {
    return store.assign(caseId, staffId, officeId).map(assigned -> {
      if (assigned.outcome() == Assignment.ASSIGNED) {
        publish(CaseEvent.CASE_ASSIGNED, assigned.change());
      }
      return assigned.outcome();
    });
  }

  /**
   * An internal note, never sent, once per console draft ({@link CaseCommandStore#note}): {@code note.added} when it is
   * stored, not again for a repeat of its draft.
   */
  public Future<Noted> note(long caseId, long staffId, String text, UUID draftId) {
    return store.note(caseId, staffId, text, draftId).onSuccess(noted -> {
      if (!noted.alreadyStored()) {
        events.publish(event(CaseEvent.NOTE_ADDED, noted.change()).withMessage(noted.messageId()));
      }
    });
  }

  /** Closes an open case with its outcome: {@code case.closed}; false when it was not open. */
  public Future<Boolean> close(long caseId, String outcome) {
    return store.close(caseId, outcome).map(closed -> published(CaseEvent.CASE_CLOSED, closed));
  }

  /** Reopens a closed case: {@code case.reopened}; false when it is open, merged, or its resident has another. */
  public Future<Boolean> reopen(long caseId) {
    return store.reopen(caseId).map(reopened -> published(CaseEvent.CASE_REOPENED, reopened));
  }

  /**
   * Folds a duplicate into the case kept: {@code case.merged} about the duplicate (now closed), with the kept case as
   * {@code otherCaseId}; {@code audit} commits with the merge; false when either is missing from the office, erased
   * or already merged.
   */
  public Future<Boolean> merge(long duplicateId, long keptId, long officeId, List<AuditLog.AuditEntry> audit) {
    return store.merge(duplicateId, keptId, officeId, audit).map(merged -> {
      merged.ifPresent(change -> events.publish(event(CaseEvent.CASE_MERGED, change).withOtherCase(keptId)));
      return merged.isPresent();
    });
  }

  /** Links the residents of two cases as one person: {@code case.linked}; false when either case is not there. */
  public Future<Boolean> link(long caseId, long otherCaseId, long officeId) {
    return store.link(caseId, otherCaseId, officeId).map(linked -> {
      linked.ifPresent(change -> events.publish(event(CaseEvent.CASE_LINKED, change).withOtherCase(otherCaseId)));
      return linked.isPresent();
    });
  }

  /** Marks or unmarks the case a complaint (苦情): {@code complaint.recorded}; false when there is no such case. */
  public Future<Boolean> complaint(long caseId, boolean complaint) {
    return store.complaint(caseId, complaint).map(marked -> {
      marked.ifPresent(change -> events.publish(event(CaseEvent.COMPLAINT_RECORDED, change).withComplaint(complaint)));
      return marked.isPresent();
    });
  }

  /**
   * Records a handoff to in-person support and queues {@code confirmation} to the resident through the reply path,
   * in one transaction ({@code null}: nothing is sent, for a consultation with no channel). After commit the
   * confirmation is announced as any reply ({@code message.queued}, the outbox worker woken) and
   * {@code handoff.created} is published.
   *
   * @return the handoff; a failed {@code NotFoundException} or {@code ContactUnreachableException} as for a reply
   */
  public Future<Created> handoff(NewHandoff handoff, String confirmation) {
    return handoff(handoff, confirmation, null);
  }

  /** As above, once per console draft ({@code null}: none); a draft recorded before announces nothing again. */
  public Future<Created> handoff(NewHandoff handoff, String confirmation, UUID draftId) {
    return handoffs.create(handoff, confirmation, draftId).map(created -> {
      if (created.alreadyRecorded()) {
        return created;
      }
      Long messageId = null;
      if (created.confirmation() != null) {
        replies.announce(created.confirmation());
        messageId = created.confirmation().messageId();
      }
      events.publish(event(CaseEvent.HANDOFF_CREATED, created.change()).withHandoff(created.handoffId())
          .withMessage(messageId));
      return created;
    });
  }

  /**
   * Puts a failed reply back in the outbox and wakes the worker: {@code reply.retried}. A reply that may already have
   * arrived, under a retry key its channel has forgotten, goes back only with {@code confirmedHold}, the hold a
   * consultant was shown ({@link Retry#hold}) and confirmed.
   */
  public Future<Retry> retry(long caseId, long messageId, OptionalLong confirmedHold) {
    return retry(caseId, messageId, confirmedHold, List.of());
  }

  /** The same; {@code audit} commits with the resend when it is queued and is not written when it is not. */
  public Future<Retry> retry(long caseId, long messageId, OptionalLong confirmedHold, List<AuditLog.AuditEntry> audit) {
    return store.retry(caseId, messageId, confirmedHold, audit).compose(again -> {
      if (again.isPresent()) {
        replies.wakeWorker();
        events.publish(event(CaseEvent.REPLY_RETRIED, again.get()).withMessage(messageId));
        return Future.succeededFuture(new Retry(RetryOutcome.QUEUED, OptionalLong.empty()));
      }
      return store.awaitsConfirmation(caseId, messageId).map(hold -> new Retry(
          hold.isPresent() ? RetryOutcome.AWAITS_CONFIRMATION : RetryOutcome.NOT_FAILED, hold));
    });
  }

  /** What a 再送 did, and for {@code AWAITS_CONFIRMATION} the hold the consultant is asked to confirm. */
  public record Retry(RetryOutcome outcome, OptionalLong hold) {
  }

  /** What a 再送 did. */
  public enum RetryOutcome {
    /** Back in the outbox. */
    QUEUED,
    /** Only a failed reply can be sent again. */
    NOT_FAILED,
    /** It may have arrived: sent again only when a consultant confirms the resident did not get it. */
    AWAITS_CONFIRMATION
  }

  private boolean published(String type, Optional<CaseChange> change) {
    change.ifPresent(c -> publish(type, c));
    return change.isPresent();
  }

  private void publish(String type, CaseChange change) {
    events.publish(event(type, change));
  }

  private CaseEvent event(String type, CaseChange change) {
    return CaseEvent.of(type, change, clock.instant());
  }
}
