package jp.kurashi.core.domain;

import java.time.Instant;
import java.util.List;

/**
 * A case as the queue shows it: no message text. {@code consentAt} and {@code consentVersion} are the case's contact's
 * agreement to the privacy notice ({@code null} until given).
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
    Instant consentAt,
    String consentVersion) {
}
