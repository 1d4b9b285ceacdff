package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.domain.StaffMember;
import jp.kurashi.core.limits.RateDecision;
import jp.kurashi.core.limits.RateLimiter;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Checks a login and opens a session. Each attempt is counted in the database before the password is
 * hashed (so a parallel burst gets at most 5 hash evaluations against an account); password hashing runs
 * on a worker thread. An unknown, inactive or locked login costs the same lookup and the same hashing
 * work (against a decoy hash) as a wrong password and gets the same answer, so neither the answer nor its
 * timing tells which logins exist or are locked. Every refusal says why, for the audit log only.
 */
public final class LoginService {

  private final Vertx vertx;
  private final StaffStore staff;
  private final PasswordHasher hasher;
  private final Duration sessionTtl;
  private final Clock clock;
  private final String decoyHash;
  private final RateLimiter rate;

  /** {@code loginRequests} counts login requests per client address ({@code LOGIN_MAX_PER_MINUTE}). */
  public LoginService(Vertx vertx, StaffStore staff, PasswordHasher hasher, Duration sessionTtl,
                      RateLimiter loginRequests, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.staff = staff;
    this.hasher = hasher;
    this.sessionTtl = sessionTtl;
    this.rate = loginRequests;
    this.decoyHash = hasher.hash(SecretTokens.newToken());
  }

  /**
   * Counts a login request from {@code remoteAddr} (on every instance, when the limits are shared through Redis);
   * refused when that address is over its limit this minute.
   */
  public Future<RateDecision> countRequest(String remoteAddr) {
    return rate.acquire(remoteAddr);
  }

  /** As below, for an account without a second factor. */
  public Future<LoginAttempt> login(String login, String password, String remoteAddr) {
    return login(login, password, null, remoteAddr);
  }

  /** A new session, or the reason for refusing; an account with a second factor also needs its 6-digit {@code code}. */
  public Future<LoginAttempt> login(String login, String password, String code, String remoteAddr) {
    return staff.claimAttempt(login).compose(claimed -> claimed.isPresent()
        ? check(claimed.get(), password, code, remoteAddr)
        : refusedBeforeHashing(login, password));
  }

  /** Unknown, inactive or locked: the same lookup and hashing work as a real check, then the same answer. */
  private Future<LoginAttempt> refusedBeforeHashing(String login, String password) {
    return staff.credentials(login).compose(found -> verify(password, decoyHash).map(ignored -> {
      Refusal why = found.isEmpty() ? Refusal.UNKNOWN_LOGIN
          : !found.get().active() ? Refusal.INACTIVE : Refusal.LOCKED;
      return LoginAttempt.refused(found.map(c -> c.member().id()).orElse(null), why);
    }));
  }

  private Future<LoginAttempt> check(StaffStore.Credentials account, String password, String code, String remoteAddr) {
    long id = account.member().id();
    return verify(password, account.passwordHash()).compose(matches -> {
      if (!matches) {
        return refuse(id, Refusal.WRONG_PASSWORD);
      }
      if (account.totpSecret() == null) {
        return succeed(account, remoteAddr);
      }
      if (code == null || code.isBlank()) {
        return refuse(id, Refusal.CODE_MISSING);
      }
      OptionalLong step = SecondFactor.matchingStep(account.totpSecret(), code, clock);
      if (step.isEmpty()) {
        return refuse(id, Refusal.CODE_WRONG);
      }
      return staff.useTotpStep(id, step.getAsLong()).compose(fresh -> fresh
          ? succeed(account, remoteAddr) : refuse(id, Refusal.CODE_REPLAYED));
    });
  }

  private Future<Boolean> verify(String password, String stored) {
    return vertx.executeBlocking(() -> hasher.verify(password, stored), false);
  }

  private Future<LoginAttempt> refuse(long staffId, Refusal why) {
    return staff.lockIfExhausted(staffId).map(v -> LoginAttempt.refused(staffId, why));
  }

  private Future<LoginAttempt> succeed(StaffStore.Credentials account, String remoteAddr) {
    return staff.loginSucceeded(account.member().id())
        .compose(v -> open(account, remoteAddr))
        .map(opened -> new LoginAttempt(Optional.of(opened), account.member().id(), null));
  }

  private Future<OpenedSession> open(StaffStore.Credentials account, String remoteAddr) {
    StaffMember member = account.member();
    String token = SecretTokens.newToken();
    String csrf = SecretTokens.newToken();
    return staff.deleteExpiredSessions()
        .compose(purged -> staff.createSession(SecretTokens.hash(token), member.id(), csrf,
            clock.instant().plus(sessionTtl), remoteAddr))
        .map(v -> new OpenedSession(member, token, csrf, account.mustChangePassword(), account.totpSecret() != null));
  }

  /** What came of a password change. */
  public enum PasswordChange {
    CHANGED, WRONG_PASSWORD,
    /** The account's attempts are used up (logins and changes count together): this session has ended. */
    LOCKED
  }

  /**
   * Checks the current password, stores the new one, and ends the account's other sessions. A wrong current password
   * counts as a failed login: else an open session (a shared PC, a colleague's moment at the desk) could try passwords
   * without limit and learn the one that opens the account everywhere.
   */
  public Future<PasswordChange> changePassword(StaffSession session, String current, String next) {
    return staff.claimAttempt(session.staff().login()).compose(claimed -> {
      if (claimed.isEmpty() || claimed.get().member().id() != session.staff().id()) {
        return staff.deleteSession(session.tokenHash()).map(PasswordChange.LOCKED);
      }
      long id = session.staff().id();
      return vertx.executeBlocking(() -> hasher.verify(current, claimed.get().passwordHash())
          ? hasher.hash(next) : null, false).compose(hash -> hash == null
          ? staff.lockIfExhausted(id).map(PasswordChange.WRONG_PASSWORD)
          : staff.loginSucceeded(id).compose(v -> staff.changePassword(id, hash, session.tokenHash()))
              .map(PasswordChange.CHANGED));
    });
  }

  public Future<Void> logout(StaffSession session) {
    return staff.deleteSession(session.tokenHash());
  }

  /** Why a login was refused; written to the audit log, never told to the client beyond "wrong login". */
  public enum Refusal {
    UNKNOWN_LOGIN, INACTIVE, LOCKED, WRONG_PASSWORD, CODE_MISSING, CODE_WRONG, CODE_REPLAYED, RATE_LIMITED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The outcome of one login: a session, or the refusal (with the account's id when there is one). */
  public record LoginAttempt(Optional<OpenedSession> session, Long staffId, Refusal refusal) {

    static LoginAttempt refused(Long staffId, Refusal why) {
      return new LoginAttempt(Optional.empty(), staffId, why);
    }
  }

  /**
   * A session just opened: the token goes into the cookie, never into a log. The flags say which first-login
   * steps the account still owes.
   */
  public record OpenedSession(StaffMember member, String token, String csrfToken, boolean mustChangePassword,
                              boolean totpEnabled) {
  }
}
