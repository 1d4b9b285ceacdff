package jp.kurashi.console;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;

import java.util.Optional;
import java.util.Set;

/**
 * Holds a session back until its account has done what a first login owes: chosen its own password (an
 * account the admin created or reset, or the generated first admin), then enrolled a second factor when
 * its role is in {@code REQUIRE_TOTP_ROLES}. Until then the session may only do that step, read itself and
 * log out; anything else is 403 {@code password_change_required} or {@code totp_enrolment_required}.
 * Mounted right after {@link SessionAuthHandler}.
 */
final class FirstLoginGate implements Handler<RoutingContext> {

  /** A step a session still owes, and the calls that do it. */
  enum Step {
    PASSWORD_CHANGE("password_change_required",
        "最初にパスワードを変更してください / change your password first",
        Set.of("POST /api/password")),
    TOTP_ENROLMENT("totp_enrolment_required",
        "最初に確認コード(二要素認証)を設定してください / set up your authenticator app first",
        Set.of("POST /api/totp/setup", "POST /api/totp/enable"));

    private final String code;
    private final String message;
    private final Set<String> calls;

    Step(String code, String message, Set<String> calls) {
      this.code = code;
      this.message = message;
      this.calls = calls;
    }

    String code() {
      return code;
    }
  }

  /** Calls every session may make, whatever it owes. */
  private static final Set<String> ALWAYS = Set.of("GET /api/session", "POST /api/logout");

  private final Set<Role> totpRoles;

  FirstLoginGate(Set<Role> totpRoles) {
    this.totpRoles = totpRoles;
  }

  /** The step this account owes first, if any: the password before the second factor. */
  Optional<Step> pending(Role role, boolean mustChangePassword, boolean totpEnabled) {
    if (mustChangePassword) {
      return Optional.of(Step.PASSWORD_CHANGE);
    }
    if (!totpEnabled && totpRoles.contains(role)) {
      return Optional.of(Step.TOTP_ENROLMENT);
    }
    return Optional.empty();
  }

  Optional<Step> pending(StaffSession session) {
    return pending(session.staff().role(), session.mustChangePassword(), session.totpEnabled());
  }

  @Override
  public void handle(RoutingContext ctx) {
    Optional<Step> step = pending(StaffSession.of(ctx));
    String call = ctx.request().method().name() + " " + ctx.normalizedPath();
    if (step.isEmpty() || ALWAYS.contains(call) || step.get().calls.contains(call)
        || ctx.request().method() == HttpMethod.OPTIONS) {
      ctx.next();
      return;
    }
    ctx.fail(ApiException.forbidden(step.get().code, step.get().message));
  }
}
