package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Lets a request through only with a live session cookie; state-changing requests also need
 * the session's CSRF token in {@code X-CSRF-Token}. No session: 401 ({@code session_idle} or
 * {@code session_expired} when the cookie's session ran out). Wrong or missing token: 403.
 *
 * <p>A session ends {@code idle} after its last activity as well as at its absolute end. Activity is an
 * accepted request the staff member made: not the event stream ({@code GET /api/events}), and not a refresh
 * the console makes by itself because an event arrived (marked {@value #BACKGROUND_HEADER}), so a console
 * left open on a shared PC still times out. Activity is written at most once a minute per session.
 */
public final class SessionAuthHandler implements Handler<RoutingContext> {

  public static final String COOKIE = "kg_session";
  public static final String CSRF_HEADER = "X-CSRF-Token";
  /** Sent by the console on requests it makes without the user doing anything; they do not keep a session alive. */
  public static final String BACKGROUND_HEADER = "X-Kurashi-Background";
  /** Activity is recorded when the last record is older than this: one write a minute, not one per request. */
  static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final StaffStore staff;
  private final Duration idle;
  private final Clock clock;

  public SessionAuthHandler(StaffStore staff, Duration idle, Clock clock) {
    this.staff = staff;
    this.idle = idle;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null || cookie.getValue().isEmpty()) {
      ctx.fail(ApiException.unauthorized());
      return;
    }
    String tokenHash = SecretTokens.hash(cookie.getValue());
    staff.session(tokenHash).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.unauthorized());
      }
      StaffStore.Session session = found.get();
      Instant now = clock.instant();
      switch (session.state(now, idle)) {
        case IDLE:
          return Future.failedFuture(ApiException.sessionIdle());
        case EXPIRED:
          return Future.failedFuture(ApiException.sessionExpired());
        case INACTIVE:
          return Future.failedFuture(ApiException.unauthorized());
        default:
          break;
      }
      if (!SAFE.contains(ctx.request().method())
          && !SecretTokens.same(ctx.request().getHeader(CSRF_HEADER), session.csrfToken())) {
        return Future.failedFuture(ApiException.forbidden("csrf_token_invalid",
            "CSRFトークンがありません / Missing or wrong " + CSRF_HEADER));
      }
      Future<Void> touched = activity(ctx) && session.lastSeenAt().isBefore(now.minus(TOUCH_EVERY))
          ? staff.touchSession(tokenHash) : Future.succeededFuture();
      return touched.map(v -> new StaffSession(session.member(), tokenHash, session.csrfToken(),
          session.mustChangePassword(), session.totpEnabled()));
    }).onSuccess(session -> {
      session.attach(ctx);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** Whether a request counts as the staff member using the console. */
  private static boolean activity(RoutingContext ctx) {
    return !LiveEvents.PATH.equals(ctx.normalizedPath()) && ctx.request().getHeader(BACKGROUND_HEADER) == null;
  }
}
