package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Channel contacts: consent to the privacy notice (with the notice's version) and language.
 */
public final class ContactStore {

  private final Pool pool;

  public ContactStore(Pool pool) {
    this.pool = pool;
  }

  /** Records that the contact accepted privacy notice {@code version} now; returns the contact. */
  public Future<ContactInfo> recordConsent(long officeId, String channel, String contactRef, String version,
                                           String language) {
    return pool.preparedQuery(ContactSql.CONSENT)
        .execute(Tuple.of(officeId, channel, contactRef, version, language))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new ContactInfo(row.getLong("id"), row.getOffsetDateTime("consent_at").toInstant(), version,
              language, true);
        });
  }

  public Future<Optional<ContactInfo>> find(String channel, String contactRef) {
    return pool.preparedQuery(ContactSql.FIND).execute(Tuple.of(channel, contactRef)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      OffsetDateTime consent = row.getOffsetDateTime("consent_at");
      return Optional.of(new ContactInfo(row.getLong("id"), consent == null ? null : consent.toInstant(),
          row.getString("consent_version"), row.getString("language"), row.getBoolean("reachable")));
    });
  }

  /** A contact's consent state; {@code consentAt} is {@code null} until given. */
  public record ContactInfo(long id, Instant consentAt, String consentVersion, String language, boolean reachable) {

    public boolean consented() {
      return consentAt != null;
    }
  }
}
