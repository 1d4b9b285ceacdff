package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.StaffStore.AccountChange;

/**
 * What the admin does to other accounts of the office: deactivate and reactivate, change the role, clear a
 * lockout, reset the password (to a one-time password shown once to the admin) and reset the second factor.
 * Only the admin; never to their own account; never leaving the office without an active admin. Each change
 * that succeeds is audited with the account it was done to, never the password.
 */
final class AccountsApi {

  private final Vertx vertx;
  private final StaffStore staff;
  private final CaseGuard guard;
  private final PasswordHasher hasher;

  AccountsApi(Vertx vertx, StaffStore staff, CaseGuard guard, PasswordHasher hasher) {
    this.vertx = vertx;
    this.staff = staff;
    this.guard = guard;
    this.hasher = hasher;
  }

  void bind(Operations operations) {
    operations.answer("deactivateStaff", 204, ctx -> active(ctx, false));
    operations.answer("reactivateStaff", 204, ctx -> active(ctx, true));
    operations.answer("changeStaffRole", 200, this::role);
    operations.answer("unlockStaff", 204, this::unlock);
    operations.answer("resetStaffPassword", 200, this::resetPassword);
    operations.answer("resetStaffTotp", 204, this::resetTotp);
  }

  /** A deactivated account's sessions end at once: its next request, SSE included on reconnect, is 401. */
  private Future<Void> active(RoutingContext ctx, boolean active) {
    StaffSession session = StaffSession.of(ctx);
    long target = HttpJson.id(ctx, "id");
    String action = active ? "staff.reactivate" : "staff.deactivate";
    return guard.role(ctx, session, action, Role.ADMIN)
        .compose(v -> notSelf(session, target))
        .compose(v -> staff.setActive(target, session.staff().officeId(), session.staff().id(), active))
        .compose(change -> answer(ctx, session, action, target, change, new JsonObject()));
  }

  private Future<?> role(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long target = HttpJson.id(ctx, "id");
    Role role;
    try {
      role = Role.fromCode(String.valueOf(HttpJson.body(ctx).getValue("role")));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_role", "role must be admin, chief or consultant");
    }
    return guard.role(ctx, session, "staff.role", Role.ADMIN)
        .compose(v -> notSelf(session, target))
        .compose(v -> staff.setRole(target, session.staff().officeId(), session.staff().id(), role))
        .compose(change -> answer(ctx, session, "staff.role", target, change, new JsonObject().put("role", role.code())))
        .map(v -> new JsonObject().put("id", target).put("role", role.code()));
  }

  private Future<?> unlock(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long target = HttpJson.id(ctx, "id");
    return guard.role(ctx, session, "staff.unlock", Role.ADMIN)
        .compose(v -> staff.unlock(target, session.staff().officeId()))
        .compose(found -> answer(ctx, session, "staff.unlock", target, found));
  }

  /**
   * A new random password, returned once to the admin to hand over in person; the account must replace it
   * at its next login, and every session it had ends. The admin never chooses it, so it is never a weak one.
   */
  private Future<?> resetPassword(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long target = HttpJson.id(ctx, "id");
    String temporary = SecretTokens.newToken().substring(0, 20);
    return guard.role(ctx, session, "staff.password.reset", Role.ADMIN)
        .compose(v -> notSelf(session, target))
        .compose(v -> vertx.executeBlocking(() -> hasher.hash(temporary), false))
        .compose(hash -> staff.resetPassword(target, session.staff().officeId(), hash))
        .compose(found -> answer(ctx, session, "staff.password.reset", target, found))
        .map(v -> new JsonObject().put("temporaryPassword", temporary));
  }

  /** For a lost phone: the second factor is off, sessions end; a role that requires one enrols again at login. */
  private Future<?> resetTotp(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long target = HttpJson.id(ctx, "id");
    return guard.role(ctx, session, "staff.totp.reset", Role.ADMIN)
        .compose(v -> notSelf(session, target))
        .compose(v -> staff.resetTotp(target, session.staff().officeId()))
        .compose(found -> answer(ctx, session, "staff.totp.reset", target, found));
  }

  /** The admin's own account changes only through their own password and second-factor calls. */
  private static Future<Void> notSelf(StaffSession session, long target) {
    return target == session.staff().id()
        ? Future.failedFuture(new ApiException(409, "own_account",
            "自分のアカウントにはこの操作はできません / not on your own account"))
        : Future.succeededFuture();
  }

  private Future<Void> answer(RoutingContext ctx, StaffSession session, String action, long target, boolean found) {
    return answer(ctx, session, action, target, found ? AccountChange.DONE : AccountChange.NOT_FOUND, new JsonObject());
  }

  private Future<Void> answer(RoutingContext ctx, StaffSession session, String action, long target, AccountChange change,
                              JsonObject detail) {
    return switch (change) {
      case DONE -> guard.done(ctx, session, action, detail.put("targetStaffId", target));
      case NOT_FOUND -> Future.failedFuture(ApiException.notFound("staff member " + target));
      case LAST_ADMIN -> guard.refused(ctx, session, null, action, new JsonObject().put("targetStaffId", target)
              .put("reason", "last_admin"))
          .compose(v -> Future.failedFuture(new ApiException(409, "last_admin",
              "有効な管理者が一人もいなくなります / the office would have no active admin left")));
    };
  }
}
