package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;

import jp.kurashi.core.store.ContactStore;

import java.time.Duration;
import java.util.Set;

/**
 * The one automatic message a new resident message gets, chosen once its triage is known:
 *
 * <ul>
 *   <li>a crisis: the safety message at once, any hour; while the desk is closed it is the version with the
 *       next opening in it, and it takes the case's automatic-notice slot, so no out-of-hours notice follows
 *       it that night (however the message's steps are scheduled: this is the only place that sends either);
 *   <li>otherwise, while the desk is closed: the out-of-hours notice, at most one per case per {@code noticeGap};
 *   <li>otherwise nothing.
 * </ul>
 *
 * Each message goes out in one statement that takes its slot, so two instances or two messages of one case
 * cannot both send the same kind. A crisis whose safety message already went out within {@code safetyGap}
 * is treated like any other message.
 *
 * <p>On a channel where residents can write before agreeing to the privacy notice (LINE, mail), a resident who has
 * not agreed to the current notice gets no out-of-hours notice (the consent request or the mail acknowledgement
 * tells them about the desk); a crisis still gets the safety message: a life comes before the formality.
 */
public final class AutomaticNotice {

  /** At most one automatic out-of-hours notice per case in this time (a channel's own acknowledgement shares it). */
  public static final Duration NOTICE_GAP = Duration.ofHours(12);

  private final OfficeProfile profile;
  private final ReplyQueue replies;
  private final Duration noticeGap;
  private final Duration safetyGap;
  private final ContactStore contacts;
  private final Set<String> consentFirst;

  /** Notices for every resident, whether they agreed to the privacy notice or not. */
  public AutomaticNotice(OfficeProfile profile, ReplyQueue replies, Duration noticeGap, Duration safetyGap) {
    this(profile, replies, noticeGap, safetyGap, null, Set.of());
  }

  /** As above, but on the {@code consentFirst} channels no out-of-hours notice before consent to the current notice. */
  public AutomaticNotice(OfficeProfile profile, ReplyQueue replies, Duration noticeGap, Duration safetyGap,
                         ContactStore contacts, Set<String> consentFirst) {
    this.profile = profile;
    this.replies = replies;
    this.noticeGap = noticeGap;
    this.safetyGap = safetyGap;
    this.contacts = contacts;
    this.consentFirst = Set.copyOf(consentFirst);
  }

  /**
   * Whether {@code message} may call for an automatic answer (a crisis, or the desk closed when it came), so its
   * triage result is kept pending until {@link #send} has decided it.
   */
  public boolean mayAnswer(InboundMessage message, boolean crisis) {
    return !message.automated() && (crisis || !profile.hours().isOpen(message.receivedAt()));
  }

  /** Sends what {@code message} calls for; {@code crisis} is its triage's verdict (false when triage failed). */
  public Future<Void> send(InboundMessage message, IngestResult stored, boolean crisis) {
    if (message.automated()) {
      return Future.succeededFuture();
    }
    boolean closed = !profile.hours().isOpen(message.receivedAt());
    Future<Boolean> safety = crisis ? safety(stored.caseId(), message, closed) : Future.succeededFuture(false);
    return safety.compose(sent -> sent || !closed ? Future.succeededFuture(false) : consented(message, stored))
        .compose(ordinary -> !ordinary ? Future.<Void>succeededFuture()
            : OutOfHoursNotice.queueOnce(profile, replies, stored.caseId(), message, noticeGap,
                profile.outOfHours()));
  }

  private Future<Boolean> consented(InboundMessage message, IngestResult stored) {
    if (!consentFirst.contains(message.channel())) {
      return Future.succeededFuture(true);
    }
    return contacts.find(stored.contactId())
        .map(found -> found.isPresent() && found.get().consentedTo(profile.privacyNoticeVersion()));
  }

  private Future<Boolean> safety(long caseId, InboundMessage message, boolean closed) {
    OutOfHoursNotice.Rendered text = OutOfHoursNotice.render(profile,
        closed ? profile.safetyMessageClosed() : profile.safetyMessage(), message);
    return replies.queueSafetyOnce(caseId, safetyGap, text.byLanguage(), text.fallback(), closed)
        .map(queued -> queued.isPresent());
  }
}
