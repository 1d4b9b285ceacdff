package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffMember;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Staff accounts and their login sessions. Sessions live in the database so every gateway
 * instance behind the load balancer knows them.
 */
public final class StaffStore {

  private final Pool pool;
  private final Clock clock;

  public StaffStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** One account as the office's staff list shows it. */
  public record Listed(long id, String login, String displayName, Role role, boolean active, boolean totpEnabled,
                       boolean mustChangePassword) {
  }

  /** The office's accounts, deactivated ones included. */
  public Future<java.util.List<Listed>> list(long officeId) {
    return pool.preparedQuery(StaffSql.LIST).execute(Tuple.of(officeId)).map(rows -> {
      java.util.List<Listed> out = new java.util.ArrayList<>(rows.size());
      rows.forEach(r -> out.add(new Listed(r.getLong("id"), r.getString("login"), r.getString("display_name"),
          Role.fromCode(r.getString("role")), r.getBoolean("active"), r.getBoolean("totp_enabled"),
          r.getBoolean("must_change_password"))));
      return out;
    });
  }

  public Future<Long> count() {
    return pool.query(StaffSql.COUNT).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  /** How many accounts office {@code officeId} has, active or not. */
  public Future<Long> countIn(long officeId) {
    return pool.preparedQuery(StaffSql.COUNT_IN_OFFICE).execute(Tuple.of(officeId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /**
   * Creates an account; the hash is an Argon2id PHC string. {@code mustChangePassword}: its owner did not
   * choose this password (the admin did, or it was generated) and must replace it at first login.
   */
  public Future<Long> create(long officeId, String login, String displayName, Role role, String passwordHash,
                             boolean mustChangePassword) {
    return pool.preparedQuery(StaffSql.INSERT)
        .execute(Tuple.of(officeId, login, displayName, role.code(), passwordHash, mustChangePassword))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  /** The account for a login name, with what a login check needs. */
  public Future<Optional<Credentials>> credentials(String login) {
    return pool.preparedQuery(StaffSql.BY_LOGIN).execute(Tuple.of(login)).map(StaffStore::credentials);
  }

  /**
   * Counts a login attempt before its password is checked; the account only when the attempt may go on
   * (active, not locked, under 5 attempts in the window). Empty for an unknown, inactive or locked login.
   */
  public Future<Optional<Credentials>> claimAttempt(String login) {
    return pool.preparedQuery(StaffSql.CLAIM_ATTEMPT).execute(Tuple.of(login, utc(clock.instant())))
        .map(StaffStore::credentials);
  }

  /** After a refused attempt: locks the account for 15 minutes when its window's attempts are used up. */
  public Future<Void> lockIfExhausted(long staffId) {
    return pool.preparedQuery(StaffSql.LOCK_IF_EXHAUSTED).execute(Tuple.of(staffId, utc(clock.instant()))).mapEmpty();
  }

  /** True when {@code step} is later than any TOTP step this account used before (and is now recorded). */
  public Future<Boolean> useTotpStep(long staffId, long step) {
    return pool.preparedQuery(StaffSql.USE_TOTP_STEP).execute(Tuple.of(staffId, step)).map(rows -> rows.size() > 0);
  }

  /** Counts a failed login; returns true when it locked the account. */
  public Future<Boolean> failedLogin(long staffId) {
    Instant now = clock.instant();
    return pool.preparedQuery(StaffSql.FAILED_LOGIN).execute(Tuple.of(staffId, utc(now))).map(rows -> {
      if (rows.size() == 0) {
        return false;
      }
      OffsetDateTime locked = rows.iterator().next().getOffsetDateTime(0);
      return locked != null && locked.toInstant().isAfter(now);
    });
  }

  public Future<Void> loginSucceeded(long staffId) {
    return pool.preparedQuery(StaffSql.LOGIN_OK).execute(Tuple.of(staffId)).mapEmpty();
  }

  /** The account with this id, with its password hash. */
  public Future<Optional<Credentials>> credentials(long staffId) {
    return pool.preparedQuery(StaffSql.BY_ID).execute(Tuple.of(staffId)).map(StaffStore::credentials);
  }

  /** Sets a new password hash and ends every other session of the account. */
  public Future<Void> changePassword(long staffId, String passwordHash, String keepSessionHash) {
    return pool.withTransaction(conn -> conn.preparedQuery(StaffSql.SET_PASSWORD).execute(Tuple.of(staffId, passwordHash, utc(clock.instant())))
        .compose(v -> conn.preparedQuery(StaffSql.DELETE_OTHER_SESSIONS).execute(Tuple.of(staffId, keepSessionHash)))
        .mapEmpty());
  }

  /**
   * Keeps a new TOTP secret until the staff member confirms it with a code; false, nothing kept, when the account
   * already has a second factor (only the administrator's reset removes it).
   */
  public Future<Boolean> setPendingTotp(long staffId, String secret) {
    return pool.preparedQuery(StaffSql.TOTP_PENDING).execute(Tuple.of(staffId, secret)).map(rows -> rows.size() > 0);
  }

  public Future<Optional<String>> pendingTotp(long staffId) {
    return pool.preparedQuery(StaffSql.TOTP_PENDING_SECRET).execute(Tuple.of(staffId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0)));
  }

  /** Turns the confirmed secret on: from now on a login needs a code too. */
  public Future<Boolean> enableTotp(long staffId) {
    return pool.preparedQuery(StaffSql.TOTP_ENABLE).execute(Tuple.of(staffId)).map(rows -> rows.size() > 0);
  }

  public Future<Void> createSession(String tokenHash, long staffId, String csrfToken, Instant expiresAt,
                                    String remoteAddr) {
    return pool.preparedQuery(StaffSql.INSERT_SESSION)
        .execute(Tuple.of(tokenHash, staffId, csrfToken, expiresAt.atOffset(ZoneOffset.UTC), remoteAddr,
            utc(clock.instant())))
        .mapEmpty();
  }

  /** The session with this token hash, live or not: {@link Session#state} says which. */
  public Future<Optional<Session>> session(String tokenHash) {
    return pool.preparedQuery(StaffSql.SESSION).execute(Tuple.of(tokenHash)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new Session(member(row), row.getString("csrf_token"),
          row.getOffsetDateTime("expires_at").toInstant(), row.getOffsetDateTime("last_seen_at").toInstant(),
          row.getBoolean("active"), row.getBoolean("must_change_password"), row.getBoolean("totp_enabled")));
    });
  }

  /** Records that the session was used now (its idle time starts again). */
  public Future<Void> touchSession(String tokenHash) {
    return pool.preparedQuery(StaffSql.TOUCH_SESSION).execute(Tuple.of(tokenHash, utc(clock.instant()))).mapEmpty();
  }

  /** Those of {@code tokenHashes} whose sessions are live now, with {@code idle} as the idle limit. */
  public Future<Set<String>> liveSessions(Collection<String> tokenHashes, Duration idle) {
    if (tokenHashes.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    Instant now = clock.instant();
    return pool.preparedQuery(StaffSql.LIVE_SESSIONS)
        .execute(Tuple.of(tokenHashes.toArray(String[]::new), utc(now), utc(now.minus(idle))))
        .map(rows -> {
          Set<String> live = new HashSet<>();
          rows.forEach(row -> live.add(row.getString(0)));
          return live;
        });
  }

  public Future<Void> deleteSession(String tokenHash) {
    return pool.preparedQuery(StaffSql.DELETE_SESSION).execute(Tuple.of(tokenHash)).mapEmpty();
  }

  public Future<Integer> deleteExpiredSessions() {
    return pool.preparedQuery(StaffSql.DELETE_EXPIRED_SESSIONS).execute(Tuple.of(utc(clock.instant()))).map(rows -> rows.rowCount());
  }

  /**
   * Deactivates or reactivates an account of the office; deactivating ends its sessions in the same
   * transaction. Refused when it would leave the office without an active admin, or {@code target} is the
   * acting admin (the caller answers that case first).
   */
  public Future<AccountChange> setActive(long target, long officeId, long actingAdmin, boolean active) {
    return pool.withTransaction(conn -> conn.preparedQuery(StaffSql.LOCK_ADMINS).execute(Tuple.of(officeId))
        .compose(locked -> conn.preparedQuery(StaffSql.SET_ACTIVE).execute(Tuple.of(target, officeId, actingAdmin, active)))
        .compose(rows -> rows.size() == 0 ? why(conn, target, officeId)
            : active ? Future.succeededFuture(AccountChange.DONE)
            : conn.preparedQuery(StaffSql.DELETE_SESSIONS).execute(Tuple.of(target)).map(AccountChange.DONE)));
  }

  /**
   * Gives an account of the office another role; refused as {@link #setActive} is. Its sessions end: a live event
   * stream opened under the old role would otherwise go on.
   */
  public Future<AccountChange> setRole(long target, long officeId, long actingAdmin, Role role) {
    return pool.withTransaction(conn -> conn.preparedQuery(StaffSql.LOCK_ADMINS).execute(Tuple.of(officeId))
        .compose(locked -> conn.preparedQuery(StaffSql.SET_ROLE).execute(Tuple.of(target, officeId, actingAdmin, role.code())))
        .compose(rows -> rows.size() == 0 ? why(conn, target, officeId)
            : conn.preparedQuery(StaffSql.DELETE_SESSIONS).execute(Tuple.of(target)).map(AccountChange.DONE)));
  }

  private static Future<AccountChange> why(io.vertx.sqlclient.SqlConnection conn, long target, long officeId) {
    return conn.preparedQuery(StaffSql.IN_OFFICE).execute(Tuple.of(target, officeId))
        .map(rows -> rows.size() == 0 ? AccountChange.NOT_FOUND : AccountChange.LAST_ADMIN);
  }

  /** Clears a lockout; false when there is no such account in the office. */
  public Future<Boolean> unlock(long target, long officeId) {
    return pool.preparedQuery(StaffSql.UNLOCK).execute(Tuple.of(target, officeId)).map(rows -> rows.size() > 0);
  }

  /**
   * Sets a temporary password the person must replace at their next login, clears the lockout and ends
   * every session of the account; false when there is no such account in the office.
   */
  public Future<Boolean> resetPassword(long target, long officeId, String passwordHash) {
    return pool.withTransaction(conn -> conn.preparedQuery(StaffSql.RESET_PASSWORD)
        .execute(Tuple.of(target, officeId, passwordHash, utc(clock.instant())))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(StaffSql.DELETE_SESSIONS).execute(Tuple.of(target)).map(true)));
  }

  /** Turns the second factor off (a lost phone) and ends every session; false when no such account. */
  public Future<Boolean> resetTotp(long target, long officeId) {
    return pool.withTransaction(conn -> conn.preparedQuery(StaffSql.RESET_TOTP).execute(Tuple.of(target, officeId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : conn.preparedQuery(StaffSql.DELETE_SESSIONS).execute(Tuple.of(target)).map(true)));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  private static Optional<Credentials> credentials(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row row = rows.iterator().next();
    OffsetDateTime locked = row.getOffsetDateTime("locked_until");
    return Optional.of(new Credentials(member(row), row.getString("password_hash"),
        row.getBoolean("active"), locked == null ? null : locked.toInstant(), row.getString("totp_secret"),
        row.getLong("totp_last_step"), row.getBoolean("must_change_password")));
  }

  private static StaffMember member(Row row) {
    return new StaffMember(row.getLong("id"), row.getLong("office_id"), row.getString("login"),
        row.getString("display_name"), Role.fromCode(row.getString("role")));
  }

  /** What a login check needs; never leaves the login code. {@code totpLastStep} is null before the first code. */
  public record Credentials(StaffMember member, String passwordHash, boolean active, Instant lockedUntil,
                            String totpSecret, Long totpLastStep, boolean mustChangePassword) {
  }

  /**
   * A staff member's session and the CSRF token bound to it; {@code lastSeenAt} is the last recorded activity
   * (recorded at most once a minute), {@code active} the account's flag; {@code mustChangePassword} and
   * {@code totpEnabled} say which first-login steps the account still owes.
   */
  public record Session(StaffMember member, String csrfToken, Instant expiresAt, Instant lastSeenAt, boolean active,
                        boolean mustChangePassword, boolean totpEnabled) {

    /** Whether the session may be used at {@code now}, with {@code idle} as the idle limit. */
    public SessionState state(Instant now, Duration idle) {
      if (!active) {
        return SessionState.INACTIVE;
      }
      if (!expiresAt.isAfter(now)) {
        return SessionState.EXPIRED;
      }
      if (!lastSeenAt.isAfter(now.minus(idle))) {
        return SessionState.IDLE;
      }
      return SessionState.LIVE;
    }
  }

  /** The outcome of an admin's change to another account. */
  public enum AccountChange {
    DONE,
    /** No such account in the admin's office. */
    NOT_FOUND,
    /** It would leave the office without an active admin. */
    LAST_ADMIN
  }

  /** Why a session can or cannot be used: live, past its absolute end, unused too long, or its account is off. */
  public enum SessionState { LIVE, EXPIRED, IDLE, INACTIVE }
}
