package jp.kurashi.connectors.mail;

import jp.kurashi.core.domain.InboundAttachment;

import java.time.Instant;
import java.util.List;

/**
 * One mail as the gateway understands it.
 *
 * @param messageId   its Message-ID, or a hash of the raw mail when it has none
 * @param references  In-Reply-To and References, nearest first
 * @param automated   auto-reply, bulk or list mail, or a bounce: never answered
 * @param bounce      for a delivery status notification: which of our mails failed and why
 * @param skipped     attachments not stored (too large), as "name (size)" for staff
 * @param authenticationResults the mail's {@code Authentication-Results} headers, topmost first
 * @param fromUnambiguous one From header with one address, which a strict parser reads as {@code fromAddress}
 */
record ParsedMail(
    String messageId,
    String fromAddress,
    String fromName,
    String subject,
    String text,
    List<InboundAttachment> attachments,
    List<String> skipped,
    List<String> references,
    boolean automated,
    Bounce bounce,
    Instant date,
    List<String> authenticationResults,
    boolean fromUnambiguous) {

  /**
   * A delivery failure report about a mail the desk sent.
   *
   * @param recipients the report's Final-Recipient and Original-Recipient addresses, lower case: a report
   *                   counts only for a mail the desk sent to one of them
   */
  record Bounce(String originalMessageId, String reason, List<String> recipients) {
  }
}
