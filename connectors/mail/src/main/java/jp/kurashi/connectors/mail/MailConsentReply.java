package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.QuotedReply;
import jp.kurashi.core.store.ContactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Records consent to the current privacy notice when a resident answers the acknowledgement with 「同意します」
 * or "I agree": only the words they wrote count (quoted lines, the quoted original and the signature are left out),
 * and only when that is all they wrote, so a consultation that merely contains the words is not taken as consent.
 * Runs before triage, so the message that agrees is already answered as one from a resident who agreed.
 */
public final class MailConsentReply implements AfterIngest {

  private static final Logger LOG = LoggerFactory.getLogger(MailConsentReply.class);
  private static final Set<String> JAPANESE = Set.of("同意します", "同意いたします", "同意する", "同意", "同意しました");
  private static final Set<String> ENGLISH = Set.of("iagree", "agree", "iagreetothenotice", "yesiagree");
  /** Where a signature (or a forwarded message) starts: nothing from there on is the resident's answer. */
  private static final Pattern SIGNATURE = Pattern.compile(
      "^(-- ?|-{2,}\\s*(転送メッセージ|forwarded message).{0,40}-{2,}|_{3,}|-{3,}|={3,}|[━─]{3,})$",
      Pattern.CASE_INSENSITIVE);
  /** Own words longer than this are a message, not a bare "I agree": reading stops there. */
  private static final int LONGEST_AGREEMENT = 200;
  /** How much of a mail is read for an agreement; it stands before any quote, signature or long text. */
  private static final int LONGEST_READ = 4096;
  private static final Pattern NOISE = Pattern.compile("[\\s「」『』\"'“”‘’。．.、,!！?？]+");

  private final long officeId;
  private final OfficeProfile profile;
  private final ContactStore contacts;

  public MailConsentReply(long officeId, OfficeProfile profile, ContactStore contacts) {
    this.officeId = officeId;
    this.profile = profile;
    this.contacts = contacts;
  }

  @Override
  public String name() {
    return "mail-consent";
  }

  @Override
  public Future<Void> apply(InboundMessage message, IngestResult stored) {
    if (!MailConnector.CHANNEL.equals(message.channel()) || message.automated()) {
      return Future.succeededFuture();
    }
    Optional<String> language = agreement(message.text());
    if (language.isEmpty()) {
      return Future.succeededFuture();
    }
    if (message.senderUnverified()) {
      // Anyone can write the resident's address in a From; an agreement is taken only from a confirmed sender.
      LOG.atInfo().addKeyValue("caseId", stored.caseId()).log("mail consent not taken: sender not verified");
      return Future.succeededFuture();
    }
    String version = profile.privacyNoticeVersion();
    return contacts.recordConsent(officeId, MailConnector.CHANNEL, message.contactRef(), version, language.get())
        .onSuccess(c -> LOG.atInfo().addKeyValue("caseId", stored.caseId()).addKeyValue("noticeVersion", version)
            .log("mail consent recorded"))
        .mapEmpty();
  }

  /** {@code ja} or {@code en} when the resident's own words are an agreement and nothing else; else empty. */
  static Optional<String> agreement(String text) {
    String said = NOISE.matcher(Normalizer.normalize(ownWords(text), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT))
        .replaceAll("");
    if (JAPANESE.contains(said)) {
      return Optional.of("ja");
    }
    return ENGLISH.contains(said) ? Optional.of("en") : Optional.empty();
  }

  /** The lines the resident wrote: without what they quote, up to the signature. */
  static String ownWords(String text) {
    StringBuilder out = new StringBuilder();
    // An agreement is a few words at the top: no need to read a long mail to its end (on the event loop).
    String top = text.length() > LONGEST_READ ? text.substring(0, LONGEST_READ) : text;
    for (String line : QuotedReply.withoutQuoted(top).split("\n", -1)) {
      if (SIGNATURE.matcher(line).matches()) {
        break;
      }
      out.append(line).append('\n');
      if (out.length() > LONGEST_AGREEMENT) {
        break;
      }
    }
    return out.toString();
  }
}
