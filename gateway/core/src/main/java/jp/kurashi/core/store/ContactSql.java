package jp.kurashi.core.store;

/** SQL for contacts outside the inbound path: consent and language. */
final class ContactSql {

  private ContactSql() {
  }

  /**
   * Records consent, creating the contact if it has not written yet.
   * $1 office, $2 channel, $3 contact ref, $4 notice version, $5 language.
   */
  static final String CONSENT = """
      INSERT INTO contact (office_id, channel, external_id, consent_at, consent_version, language)
      VALUES ($1, $2, $3, now(), $4, $5)
      ON CONFLICT (channel, external_id) DO UPDATE
        SET consent_at = now(), consent_version = EXCLUDED.consent_version,
            language = COALESCE(EXCLUDED.language, contact.language)
      RETURNING id, consent_at
      """;

  /** $1 channel, $2 contact ref. */
  static final String FIND = """
      SELECT id, consent_at, consent_version, language, reachable FROM contact WHERE channel = $1 AND external_id = $2
      """;
}
