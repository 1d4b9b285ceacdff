package jp.kurashi.core.domain;

import java.time.Instant;

/**
 * A consultation staff took by phone, at the window, on a visit or from a partner agency, as they record it.
 *
 * @param route    one of {@link StaffRoutes#ROUTES}
 * @param consulter one of {@link StaffRoutes#CONSULTERS}
 * @param name     the person's name as given, {@code null} for an anonymous consultation
 * @param agencyId the sending agency (a {@code referral}), else {@code null}
 * @param at       when the consultation took place
 * @param staffId  who recorded it (and is assigned the case)
 */
public record StaffRecordedConsultation(String route, String consulter, String name, String text, Instant at,
                                        Long agencyId, long staffId) {
}
