package jp.kurashi.core.pipeline;

import jp.kurashi.core.domain.InboundMessage;

import java.util.regex.Pattern;

/**
 * What of a message triage reads: its text, and for a mail (the one channel with a subject) the subject the resident
 * wrote, and of a reply in the desk's thread only their own words. Many write everything in the subject (a phone's
 * mail, 「死にたい」 and an empty body); such a reply's subject is the desk's own (「Re: ご相談を受け付けました」) and
 * what it quotes the desk's mail, which are left out.
 */
final class TriageText {

  /** Reply prefixes mailers put before the subject they answer: the subject is the desk's, the quote below it too. */
  private static final Pattern REPLY = Pattern.compile(
      "^\\s*(re|aw|sv|vs|返信)\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]", Pattern.CASE_INSENSITIVE);

  private TriageText() {
  }

  static String of(InboundMessage message) {
    if (message.subject() == null) {
      return message.text();
    }
    String subject = message.subject().strip();
    if (message.caseHint() == null || !REPLY.matcher(subject).find()) {
      // A new mail or a forward: whatever it quotes is the writer's to tell (a relative passing on someone's words,
      // by Fwd: or by answering that person's mail; old Outlook heads a forward with 「-----Original Message-----」).
      return subject.isEmpty() ? message.text() : subject + "\n" + message.text();
    }
    // A reply in a thread of the desk's (its References or its case token found the case): what it quotes is the
    // desk's mail, or the resident's words triaged when they came, and its subject is the desk's.
    return QuotedReply.withoutQuoted(message.text());
  }
}
