package jp.kurashi.console;

import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.StaffMember;

/**
 * The logged-in staff member of a request, put there by {@link SessionAuthHandler}; the two flags are what
 * {@link FirstLoginGate} needs to know whether the account still owes a first-login step.
 */
public record StaffSession(StaffMember staff, String tokenHash, String csrfToken, boolean mustChangePassword,
                           boolean totpEnabled) {

  private static final String KEY = "kurashi.staffSession";

  void attach(RoutingContext ctx) {
    ctx.put(KEY, this);
  }

  /** The session of an authenticated request; routes behind the auth handler always have one. */
  public static StaffSession of(RoutingContext ctx) {
    StaffSession session = ctx.get(KEY);
    if (session == null) {
      throw ApiException.unauthorized();
    }
    return session;
  }
}
