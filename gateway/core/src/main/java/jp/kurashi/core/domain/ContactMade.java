package jp.kurashi.core.domain;

import java.time.Instant;

/** A contact staff made or had for a case: a call, a visit, accompanying the person, a meeting with an agency. */
public record ContactMade(long id, long caseId, String kind, Instant at, String note, long staffId, String staffName,
                          Instant recordedAt) {
}
