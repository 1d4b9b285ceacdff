package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Asks a resident who wrote before agreeing to the privacy notice (a LINE user who never followed, or did not press
 * the greeting's button) to agree: the notice, how to agree and the crisis lines, once per contact and notice
 * version, through the outbox like every automatic message (the channel adds its own agree button). The message is
 * already stored when this runs, so nothing the resident wrote waits on their answer; staff see 「同意未確認」 on the
 * case until they agree.
 */
public final class ConsentRequest implements AfterIngest {

  private static final Logger LOG = LoggerFactory.getLogger(ConsentRequest.class);

  private final OfficeProfile profile;
  private final ReplyQueue replies;
  private final Set<String> channels;

  /** {@code channels}: those whose residents can write before agreeing (web chat asks before its first message). */
  public ConsentRequest(OfficeProfile profile, ReplyQueue replies, Set<String> channels) {
    this.profile = profile;
    this.replies = replies;
    this.channels = Set.copyOf(channels);
  }

  @Override
  public String name() {
    return "consent-request";
  }

  @Override
  public Future<Void> apply(InboundMessage message, IngestResult stored) {
    if (message.automated() || !channels.contains(message.channel())) {
      return Future.succeededFuture();
    }
    String version = profile.privacyNoticeVersion();
    // The contact is marked asked in the request's own commit: a mark without its message would never ask again.
    return replies.queueConsentRequestOnce(stored.caseId(), stored.contactId(), version,
            language -> text(profile, language.isEmpty() ? "ja" : language))
        .map(queued -> {
          queued.ifPresent(q -> LOG.atInfo().addKeyValue("caseId", stored.caseId())
              .addKeyValue("channel", message.channel()).addKeyValue("noticeVersion", version).log("consent requested"));
          return null;
        });
  }

  /** The notice, how to agree, and the crisis lines (they are offered whether or not the resident agrees). */
  static String text(OfficeProfile profile, String language) {
    return profile.privacyNotice().in(language) + "\n\n" + profile.consentRequest().in(language) + "\n\n"
        + profile.hotlinesText(language);
  }
}
