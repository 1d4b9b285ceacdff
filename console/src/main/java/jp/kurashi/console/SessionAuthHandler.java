package jp.kurashi.console;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;

import java.util.Set;

/**
 * Lets a request through only with a live session cookie; state-changing requests also need
 * the session's CSRF token in {@code X-CSRF-Token}. No session: 401. Wrong or missing token: 403.
 */
public final class SessionAuthHandler implements Handler<RoutingContext> {

  public static final String COOKIE = "kg_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final StaffStore staff;

  public SessionAuthHandler(StaffStore staff) {
    this.staff = staff;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null || cookie.getValue().isEmpty()) {
      ctx.fail(ApiException.unauthorized());
      return;
    }
    String tokenHash = SecretTokens.hash(cookie.getValue());
    staff.session(tokenHash).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      if (ar.result().isEmpty()) {
        ctx.fail(ApiException.unauthorized());
        return;
      }
      StaffStore.Session session = ar.result().get();
      if (!SAFE.contains(ctx.request().method())
          && !SecretTokens.same(ctx.request().getHeader(CSRF_HEADER), session.csrfToken())) {
        ctx.fail(ApiException.forbidden("csrf_token_invalid",
            "CSRFトークンがありません / Missing or wrong " + CSRF_HEADER));
        return;
      }
      new StaffSession(session.member(), tokenHash, session.csrfToken(), session.mustChangePassword(),
          session.totpEnabled()).attach(ctx);
      ctx.next();
    });
  }
}
