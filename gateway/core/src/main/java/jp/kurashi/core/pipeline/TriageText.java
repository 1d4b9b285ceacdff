package jp.kurashi.core.pipeline;

import jp.kurashi.core.domain.InboundMessage;

import java.util.regex.Pattern;

/**
 * What of a message triage reads: its text, and for a mail (the one channel with a subject) the subject the resident
 * wrote and only their own words of a reply. Many write everything in the subject (a phone's mail, 「死にたい」 and an
 * empty body); a reply's subject is the desk's own (「Re: ご相談を受け付けました」) and its quoted original the desk's
 * mail, which are left out.
 */
final class TriageText {

  /** Reply prefixes mailers put before the subject they answer: the subject is the desk's, the quote below it too. */
  private static final Pattern REPLY = Pattern.compile(
      "^\\s*(re|aw|sv|vs|返信)\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]", Pattern.CASE_INSENSITIVE);
  /**
   * Forward prefixes: the subject is someone else's, and what is quoted below it is what the writer wants the desk to
   * read (old Outlook heads a forward with 「-----Original Message-----」 as it does a reply), so all of it is triaged.
   */
  private static final Pattern FORWARD = Pattern.compile(
      "^\\s*(fw|fwd|tr|wg|rv|転送)\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]", Pattern.CASE_INSENSITIVE);

  private TriageText() {
  }

  static String of(InboundMessage message) {
    if (message.subject() == null) {
      return message.text();
    }
    String subject = message.subject().strip();
    if (FORWARD.matcher(subject).find()) {
      return subject + "\n" + message.text();
    }
    String words = QuotedReply.withoutQuoted(message.text());
    return subject.isEmpty() || REPLY.matcher(subject).find() ? words : subject + "\n" + words;
  }
}
