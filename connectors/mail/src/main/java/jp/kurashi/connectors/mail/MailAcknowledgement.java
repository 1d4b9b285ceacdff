package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.OutOfHoursNotice;

import java.time.Duration;

/**
 * Acknowledges a new email consultation with the desk's hours-aware text. Never answers
 * automated mail (auto-replies, lists, bounces), so two auto-responders cannot loop. It takes the
 * case's automatic-notice slot, so the out-of-hours notice does not follow it with a second mail.
 */
public final class MailAcknowledgement implements AfterIngest {

  private final OfficeProfile profile;
  private final ReplyQueue replies;
  private final Duration minGap;

  public MailAcknowledgement(OfficeProfile profile, ReplyQueue replies, Duration minGap) {
    this.profile = profile;
    this.replies = replies;
    this.minGap = minGap;
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
    boolean open = profile.hours().isOpen(message.receivedAt());
    return OutOfHoursNotice.queueOnceWithDesk(profile, replies, stored.caseId(), message.receivedAt(), minGap,
        open ? profile.mailAckOpen() : profile.mailAckClosed());
  }
}
