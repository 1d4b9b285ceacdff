package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.limits.RateDecision;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;

/**
 * {@code POST /api/login}, {@code GET /api/session}, {@code POST /api/logout}: a session opened with a password (and
 * the code of a second factor), its cookie and CSRF token. Every login, refused ones included, is audited with the
 * login name tried, never the password; logins are limited per client address ({@link #loginLimit}).
 */
final class SessionApi {

  private final LoginService logins;
  private final AuditLog audit;
  private final LiveEvents live;
  private final FirstLoginGate firstLogin;
  private final ConsoleSettings settings;
  private final ClientAddress clientAddress;

  SessionApi(LoginService logins, AuditLog audit, LiveEvents live, FirstLoginGate firstLogin, ConsoleSettings settings,
             ClientAddress clientAddress) {
    this.logins = logins;
    this.audit = audit;
    this.live = live;
    this.firstLogin = firstLogin;
    this.settings = settings;
    this.clientAddress = clientAddress;
  }

  void bind(Operations operations) {
    operations.answer("login", 200, this::login).answer("session", 200, this::session).answer("logout", 204, this::logout);
  }

  /** Runs before a login is validated: a flood from one address costs no parsing or hashing. */
  void loginLimit(RoutingContext ctx) {
    String remote = HttpJson.remote(ctx);
    logins.countRequest(remote)
        .compose(decision -> decision.allowed() ? Future.<Void>succeededFuture() : refuseFlood(ctx, remote, decision))
        .onSuccess(v -> ctx.next())
        .onFailure(ctx::fail);
  }

  /** 429 with Retry-After, audited (an audit row that cannot be written does not turn it into a 500). */
  private Future<Void> refuseFlood(RoutingContext ctx, String remote, RateDecision decision) {
    return auditLogin(triedLogin(ctx), LoginService.LoginAttempt.refused(null, LoginService.Refusal.RATE_LIMITED),
        remote).transform(audited -> {
          ctx.response().putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
          return Future.failedFuture(new ApiException(429, "too_many_logins",
              "ログインの試行が多すぎます。しばらく待ってください / too many login attempts; wait a minute"));
        });
  }

  private Future<?> login(RoutingContext ctx) {
    String remote = HttpJson.remote(ctx);
    return HttpJson.checked(() -> Credentials.of(HttpJson.body(ctx)))
        .compose(tried -> logins.login(tried.login(), tried.password(), tried.code(), remote)
            .compose(attempt -> auditLogin(tried.login(), attempt, remote).map(attempt)))
        .compose(attempt -> opened(ctx, attempt));
  }

  /** The answer to a login: the session with its cookie, or one refusal whatever was wrong. */
  private Future<JsonObject> opened(RoutingContext ctx, LoginService.LoginAttempt attempt) {
    if (attempt.refusal() == LoginService.Refusal.CODE_MISSING) {
      return Future.failedFuture(new ApiException(401, "totp_required",
          "確認コード(6桁)を入力してください / enter the 6-digit code from your authenticator app"));
    }
    if (attempt.session().isEmpty()) {
      // Unknown, inactive, locked, wrong password or code: one answer, so none of them can be told apart.
      return Future.failedFuture(new ApiException(401, "invalid_credentials",
          "ログインIDかパスワードが違います / Wrong login or password"));
    }
    LoginService.OpenedSession opened = attempt.session().get();
    ctx.response().addCookie(sessionCookie(ctx, opened.token(), settings.sessionTtl().toSeconds()));
    JsonObject answer = new JsonObject()
        .put("csrfToken", opened.csrfToken())
        .put("staff", CaseJson.staff(opened.member()));
    firstLogin.pending(opened.member().role(), opened.mustChangePassword(), opened.totpEnabled())
        .ifPresent(step -> answer.put("pending", step.code()));
    return Future.succeededFuture(answer);
  }

  /**
   * Every login, refused ones included, with the refusal and the login name tried (never the password); a name no
   * account has is not kept: it is as often a password typed into the wrong field, and the audit log keeps it for years.
   */
  private Future<Void> auditLogin(String login, LoginService.LoginAttempt attempt, String remote) {
    JsonObject detail = attempt.refusal() == LoginService.Refusal.UNKNOWN_LOGIN ? new JsonObject()
        : new JsonObject().put("login", login);
    if (attempt.refusal() != null) {
      detail.put("refusal", attempt.refusal().code());
    }
    return audit.record(new AuditEntry(null, attempt.staffId(), null, "login", attempt.session().isPresent(),
        remote, detail));
  }

  /** The login name of a request refused before validation, when its body has one. */
  private static String triedLogin(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body() == null || ctx.body().isEmpty() ? null : ctx.body().asJsonObject();
      Object login = body == null ? null : body.getValue("login");
      return login instanceof String s && s.length() <= 64 ? s : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Future<?> session(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject answer = new JsonObject().put("csrfToken", session.csrfToken()).put("staff", CaseJson.staff(session.staff()));
    firstLogin.pending(session).ifPresent(step -> answer.put("pending", step.code()));
    return Future.succeededFuture(answer);
  }

  private Future<?> logout(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return logins.logout(session).map(v -> {
      live.endSession(session, "logout");
      ctx.response().addCookie(sessionCookie(ctx, "", 0));
      return null;
    });
  }

  private Cookie sessionCookie(RoutingContext ctx, String value, long maxAgeSeconds) {
    return Cookie.cookie(SessionAuthHandler.COOKIE, value)
        .setPath("/")
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.STRICT)
        .setSecure(secure(ctx))
        .setMaxAge(maxAgeSeconds);
  }

  private boolean secure(RoutingContext ctx) {
    return switch (settings.secureCookie()) {
      case "always" -> true;
      case "never" -> false;
      // From a TRUSTED_PROXIES peer, or from anyone: a forged "https" can only add Secure, which never weakens
      // the cookie (HSTS, which could, is sent on the trusted answer only).
      default -> clientAddress.secure(ctx.request())
          || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
    };
  }

  /** What a login request carries; the contract has checked its shape, this checks what a schema cannot. */
  private record Credentials(String login, String password, String code) {

    static Credentials of(JsonObject body) {
      String login = HttpJson.string(body, "login");
      String password = HttpJson.string(body, "password");
      if (login == null || password == null || login.isBlank() || password.isEmpty() || password.length() > 1024) {
        throw ApiException.badRequest("invalid_request", "login and password are required");
      }
      return new Credentials(login, password, HttpJson.string(body, "code"));
    }
  }
}
