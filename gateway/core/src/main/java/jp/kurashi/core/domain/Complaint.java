package jp.kurashi.core.domain;

import java.time.Instant;
import java.time.LocalDate;

/**
 * One entry of the complaints register (苦情受付簿).
 *
 * @param caseId        the case it is about, or {@code null} (a complaint about the desk in general)
 * @param channel       how it came: a channel's code or one of the desk's own ways (the contract's {@code ComplaintChannel})
 * @param responsibleId who answers for it: the chief unless the chief named another member of staff
 * @param response      what the desk answered, or {@code null} while open
 * @param closedOn      the day it was closed, or {@code null} while open
 */
public record Complaint(long id, long officeId, Long caseId, Instant receivedAt, String channel, String summary,
                        long responsibleId, String responsibleName, String response, LocalDate closedOn,
                        long recordedBy, Instant recordedAt) {

  /** Longest summary or response kept. */
  public static final int MAX_TEXT = 10_000;
}
