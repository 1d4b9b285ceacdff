package jp.kurashi.core.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A case as the queue shows it: no message text. Its channel is also its route (相談経路): the online channel, or
 * the staff route ({@link StaffRoutes#ROUTES}) of a consultation staff recorded.
 *
 * @param consulter          who consulted ({@link StaffRoutes#CONSULTERS}), {@code null} until staff record it
 * @param referralSource     who sent them ({@link StaffRoutes#REFERRAL_SOURCES}), or {@code null}
 * @param referralAgencyName the sending agency's name, or {@code null}
 * @param followUpOn         the next follow-up day, or {@code null}
 * @param consentAt          when the case's contact agreed to the privacy notice, {@code null} until they do
 * @param consentVersion     which version of the notice they agreed to
 * @param senderUnverified   one of its messages came from a sender the channel could not confirm (a mail without
 *                           DMARC pass): someone else may have written as the resident
 */
public record CaseSummary(
    long id,
    String channel,
    String status,
    String urgency,
    List<String> categories,
    Instant openedAt,
    Instant lastMessageAt,
    Instant lastInboundAt,
    Long assigneeId,
    String consulter,
    String referralSource,
    Long referralAgencyId,
    String referralAgencyName,
    LocalDate followUpOn,
    Instant consentAt,
    String consentVersion,
    boolean senderUnverified) {
}
