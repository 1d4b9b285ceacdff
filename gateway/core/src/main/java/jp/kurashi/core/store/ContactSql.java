package jp.kurashi.core.store;

/** SQL for contacts outside the inbound path: consent and language. */
final class ContactSql {

  private ContactSql() {
  }

  /**
   * Records consent, creating the contact if it has not written yet.
   * $1 office, $2 channel, $3 contact ref, $4 notice version, $5 language, $6 now.
   * Consent to the version already agreed keeps its time: a repeated consent (a web chat reconnecting, a second
   * LINE postback, a mail answered twice) is not a new agreement, and the record must say when the resident agreed.
   */
  static final String CONSENT = """
      INSERT INTO contact (office_id, channel, external_id, consent_at, consent_version, language)
      VALUES ($1, $2, $3, $6, $4, $5)
      ON CONFLICT (office_id, channel, external_id) DO UPDATE
        SET consent_at = CASE WHEN contact.consent_at IS NOT NULL AND contact.consent_version = EXCLUDED.consent_version
                              THEN contact.consent_at ELSE EXCLUDED.consent_at END,
            consent_version = EXCLUDED.consent_version,
            language = COALESCE(EXCLUDED.language, contact.language)
      RETURNING id, consent_at
      """;

  /**
   * $1 channel, $2 contact ref, $3 reachable, $4 office, $5 when the channel says it happened, $6 now. A contact the
   * channel tells of before it writes (a LINE follow) is created, so that the time is kept for a late redelivery. An
   * event older than the one last applied changes nothing (no row).
   */
  static final String SET_REACHABLE = """
      INSERT INTO contact (office_id, channel, external_id, reachable, reachability_at, last_seen_at)
      VALUES ($4, $1, $2, $3, $5, $6)
      ON CONFLICT (office_id, channel, external_id) DO UPDATE
        SET reachable = EXCLUDED.reachable, reachability_at = EXCLUDED.reachability_at
        WHERE contact.reachability_at IS NULL OR contact.reachability_at <= EXCLUDED.reachability_at
      RETURNING id
      """;

  /** $1 channel, $2 contact ref, $3 name, $4 office. Only fills a missing name: staff may have corrected it. */
  static final String NAME_IF_MISSING = """
      UPDATE contact SET display_name = $3
       WHERE channel = $1 AND external_id = $2 AND office_id = $4 AND display_name IS NULL
      """;

  /** $1 channel, $2 contact ref, $3 office. */
  static final String FIND = """
      SELECT id, consent_at, consent_version, language, reachable FROM contact
       WHERE channel = $1 AND external_id = $2 AND office_id = $3
      """;

  /** $1 contact. */
  static final String FIND_BY_ID = """
      SELECT id, consent_at, consent_version, language, reachable FROM contact WHERE id = $1
      """;

  /**
   * $1 contact, $2 notice version. Notes that the contact is being asked to agree to this version, unless they
   * already agreed to it or were already asked: a row only for the one caller that should ask.
   */
  static final String ASK_CONSENT_ONCE = """
      UPDATE contact SET consent_asked_version = $2
       WHERE id = $1 AND consent_version IS DISTINCT FROM $2 AND consent_asked_version IS DISTINCT FROM $2
      RETURNING id, language
      """;
}
