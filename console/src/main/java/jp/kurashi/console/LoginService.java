package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.domain.StaffMember;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks a login and opens a session. Password hashing runs on a worker thread; an unknown
 * login costs the same hashing work as a known one, so timing does not tell which logins exist.
 */
public final class LoginService {

  private final Vertx vertx;
  private final StaffStore staff;
  private final PasswordHasher hasher;
  private final Duration sessionTtl;
  private final Clock clock;
  private final String decoyHash;

  public LoginService(Vertx vertx, StaffStore staff, PasswordHasher hasher, Duration sessionTtl, Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.staff = staff;
    this.hasher = hasher;
    this.sessionTtl = sessionTtl;
    this.decoyHash = hasher.hash(SecretTokens.newToken());
  }

  /** A new session, or empty when the login, password or account state does not allow it. */
  public Future<Optional<OpenedSession>> login(String login, String password, String remoteAddr) {
    return login(login, password, null, remoteAddr);
  }

  /** As above; an account with a second factor also needs its current 6-digit {@code code}. */
  public Future<Optional<OpenedSession>> login(String login, String password, String code, String remoteAddr) {
    return staff.credentials(login).compose(found -> {
      String stored = found.map(StaffStore.Credentials::passwordHash).orElse(decoyHash);
      return vertx.executeBlocking(() -> hasher.verify(password, stored), false).compose(matches -> {
        if (found.isEmpty() || !found.get().active()) {
          return Future.succeededFuture(Optional.empty());
        }
        StaffStore.Credentials account = found.get();
        if (locked(account)) {
          return Future.failedFuture(new ApiException(423, "account_locked",
              "ログインの失敗が続いたため、15分間ロックしています / locked for 15 minutes after repeated failures"));
        }
        if (!matches) {
          return staff.failedLogin(account.member().id()).map(v -> Optional.<OpenedSession>empty());
        }
        Future<Void> secondFactor = Future.succeededFuture();
        if (account.totpSecret() != null) {
          if (code == null || code.isBlank()) {
            return Future.failedFuture(new ApiException(401, "totp_required",
                "確認コード(6桁)を入力してください / enter the 6-digit code from your authenticator app"));
          }
          secondFactor = SecondFactor.check(account.totpSecret(), String.valueOf(account.member().id()), code);
        }
        return secondFactor.transform(ar -> ar.failed()
            ? staff.failedLogin(account.member().id()).map(v -> Optional.<OpenedSession>empty())
            : staff.loginSucceeded(account.member().id()).compose(v -> open(account.member(), remoteAddr)).map(Optional::of));
      });
    });
  }

  private boolean locked(StaffStore.Credentials c) {
    return c.lockedUntil() != null && c.lockedUntil().isAfter(clock.instant());
  }

  private Future<OpenedSession> open(StaffMember member, String remoteAddr) {
    String token = SecretTokens.newToken();
    String csrf = SecretTokens.newToken();
    return staff.deleteExpiredSessions()
        .compose(purged -> staff.createSession(SecretTokens.hash(token), member.id(), csrf,
            clock.instant().plus(sessionTtl), remoteAddr))
        .map(v -> new OpenedSession(member, token, csrf));
  }

  /** Checks the current password, stores the new one, and ends the account's other sessions. */
  public Future<Boolean> changePassword(StaffSession session, String current, String next) {
    return staff.credentials(session.staff().id()).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return vertx.executeBlocking(() -> hasher.verify(current, found.get().passwordHash())
          ? hasher.hash(next) : null, false).compose(hash -> hash == null ? Future.succeededFuture(false)
          : staff.changePassword(session.staff().id(), hash, session.tokenHash()).map(true));
    });
  }

  public Future<Void> logout(StaffSession session) {
    return staff.deleteSession(session.tokenHash());
  }

  /** A session just opened: the token goes into the cookie, never into a log. */
  public record OpenedSession(StaffMember member, String token, String csrfToken) {
  }
}
