package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Channel contacts: consent to the privacy notice (with the notice's version) and language.
 */
public final class ContactStore {

  private final Pool pool;
  private final Clock clock;

  public ContactStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /**
   * Records that the contact accepted privacy notice {@code version} now; returns the contact. A contact who had
   * already accepted this version keeps the time they first did.
   */
  public Future<ContactInfo> recordConsent(long officeId, String channel, String contactRef, String version,
                                           String language) {
    return pool.preparedQuery(ContactSql.CONSENT)
        .execute(Tuple.of(officeId, channel, contactRef, version, language, now()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new ContactInfo(row.getLong("id"), row.getOffsetDateTime("consent_at").toInstant(), version,
              language, true);
        });
  }

  /** Marks whether the channel can still reach the contact, as of now. */
  public Future<Boolean> setReachable(long officeId, String channel, String contactRef, boolean reachable) {
    return setReachable(officeId, channel, contactRef, reachable, clock.instant());
  }

  /**
   * Marks whether the channel can still reach the contact (LINE unfollow / follow) as of {@code happenedAt}, the
   * channel's time of the event, creating a contact not yet known; false when a later event was already applied.
   */
  public Future<Boolean> setReachable(long officeId, String channel, String contactRef, boolean reachable,
                                      Instant happenedAt) {
    return pool.preparedQuery(ContactSql.SET_REACHABLE)
        .execute(Tuple.of(channel, contactRef, reachable, officeId, happenedAt.atOffset(ZoneOffset.UTC), now()))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Stores the name the channel knows, unless the contact already has one. */
  public Future<Void> nameIfMissing(long officeId, String channel, String contactRef, String name) {
    return pool.preparedQuery(ContactSql.NAME_IF_MISSING).execute(Tuple.of(channel, contactRef, name, officeId))
        .mapEmpty();
  }

  /** The office's contact with this channel identity, if there is one (identities are unique per office). */
  public Future<Optional<ContactInfo>> find(long officeId, String channel, String contactRef) {
    return pool.preparedQuery(ContactSql.FIND).execute(Tuple.of(channel, contactRef, officeId))
        .map(ContactStore::info);
  }

  /** The contact with this id, if there is one. */
  public Future<Optional<ContactInfo>> find(long contactId) {
    return pool.preparedQuery(ContactSql.FIND_BY_ID).execute(Tuple.of(contactId)).map(ContactStore::info);
  }

  private static Optional<ContactInfo> info(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    OffsetDateTime consent = row.getOffsetDateTime("consent_at");
    return Optional.of(new ContactInfo(row.getLong("id"), consent == null ? null : consent.toInstant(),
        row.getString("consent_version"), row.getString("language"), row.getBoolean("reachable")));
  }

  /** A contact's consent state; {@code consentAt} is {@code null} until given. */
  public record ContactInfo(long id, Instant consentAt, String consentVersion, String language, boolean reachable) {

    public boolean consented() {
      return consentAt != null;
    }

    /** Whether the contact agreed to this version of the privacy notice (not only to an older one). */
    public boolean consentedTo(String version) {
      return consentAt != null && version.equals(consentVersion);
    }
  }
}
