package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.OutOfHoursNotice;

import jp.kurashi.core.office.LocalizedText;
import jp.kurashi.core.store.ContactStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Acknowledges a new email consultation with the desk's hours-aware text. Never answers
 * automated mail (auto-replies, lists, bounces), so two auto-responders cannot loop. It takes the
 * case's automatic-notice slot, so the out-of-hours notice does not follow it with a second mail. To a resident who
 * has not agreed to the current privacy notice it carries the notice and how to agree (reply 「同意します」, or
 * the web chat page), from the office profile.
 */
public final class MailAcknowledgement implements AfterIngest {

  private final OfficeProfile profile;
  private final ReplyQueue replies;
  private final Duration minGap;
  private final ContactStore contacts;

  public MailAcknowledgement(OfficeProfile profile, ReplyQueue replies, Duration minGap, ContactStore contacts) {
    this.profile = profile;
    this.replies = replies;
    this.minGap = minGap;
    this.contacts = contacts;
  }

  @Override
  public String name() {
    return "mail-acknowledgement";
  }

  @Override
  public Future<Void> apply(InboundMessage message, IngestResult stored) {
    if (!MailConnector.CHANNEL.equals(message.channel()) || message.automated() || !stored.caseOpened()) {
      return Future.succeededFuture();
    }
    LocalizedText ack = profile.hours().isOpen(message.receivedAt()) ? profile.mailAckOpen() : profile.mailAckClosed();
    return contacts.find(stored.contactId())
        .map(found -> found.isPresent() && found.get().consentedTo(profile.privacyNoticeVersion()) ? ack
            : withNotice(ack, message.senderUnverified() ? profile.consentByMailUnverified() : profile.consentByMail()))
        .compose(text -> OutOfHoursNotice.queueOnceWithDesk(profile, replies, stored.caseId(), message, minGap, text));
  }

  /** {@code howToAgree}: by reply, or only on the web chat page when this mail's sender could not be confirmed. */
  private LocalizedText withNotice(LocalizedText ack, LocalizedText howToAgree) {
    Map<String, String> byLanguage = new HashMap<>();
    for (String language : ack.byLanguage().keySet()) {
      byLanguage.put(language, ack.in(language) + "\n\n" + profile.privacyNotice().in(language) + "\n\n"
          + howToAgree.in(language));
    }
    return new LocalizedText(byLanguage);
  }
}
