package jp.kurashi.core.domain;

import java.time.Instant;

/**
 * One message of a case's thread, as staff read it.
 *
 * @param caseId        the case it belongs to (a thread across linked cases mixes several)
 * @param direction     {@code in}, {@code out} or {@code note}
 * @param subject       an email's subject as the resident wrote it, else {@code null}
 * @param deliveryError the channel's words when delivery failed, else {@code null}
 * @param staffId       the author of a reply or note; {@code null} for resident and automatic messages
 * @param unsent        the resident took it back (LINE unsend): its text and attachments are erased
 * @param senderUnverified the channel could not confirm who sent it (a mail without the desk's DMARC pass)
 */
public record CaseMessage(
    long id,
    long caseId,
    String direction,
    String channel,
    String subject,
    String text,
    Instant at,
    Delivery delivery,
    String deliveryError,
    Long staffId,
    java.util.List<AttachmentInfo> attachments,
    boolean unsent,
    boolean senderUnverified) {
}
