package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffRoutes;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.Category;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRuleException;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.CaseStore.OfficeCase;
import jp.kurashi.core.store.QueueCursor;
import jp.kurashi.core.store.StaffStore;

import java.util.Map;
import java.util.Set;

/**
 * The staff REST API under {@code /api}: login, the case queue, one case's thread, replies.
 *
 * <pre>{@code
 * router.route("/api/*").subRouter(staffApi.router());
 * }</pre>
 */
public final class StaffApi {

  private static final int BODY_LIMIT_BYTES = 256 * 1024;
  /** Cases per queue page unless {@code limit} says otherwise, and the most one page may hold. */
  private static final int QUEUE_PAGE = 100;
  private static final int QUEUE_PAGE_MAX = 500;
  private static final int SEARCH_MAX_LENGTH = 100;
  /** How long the unread rest of a refused model upload is read and thrown away before the connection closes. */
  private static final long REFUSED_UPLOAD_DRAIN_MS = 3_000;
  private static final Set<String> STATUSES = Set.of("open", "closed");

  private final Vertx vertx;
  private final CaseStore cases;
  private final AuditLog audit;
  private final ReplyQueue replies;
  private final LoginService logins;
  private final SessionAuthHandler auth;
  private final ConsoleSettings settings;
  private final ChannelRegistry channels;
  private final TriageStore triage;
  private final TriageEngine engine;
  private final CaseGuard guard;
  private final CaseActionsApi actions;
  private final AdminApi admin;
  private final LiveEvents live;
  private final ReportsApi reports;
  private final ApiContract contract;
  private final TriageModelApi model;
  private final TriageCorrectionsApi corrections;
  private final ComplaintsApi complaints;
  private final AccommodationApi accommodation;
  private final MilestonesApi milestones;
  private final StaffCasesApi staffCases;
  private final java.time.Clock clock;
  private final jp.kurashi.core.store.AccommodationStore accommodations;
  private final jp.kurashi.core.security.ClientAddress clientAddress;
  private final FirstLoginGate firstLogin;
  private final AccountsApi accounts;
  private final String noticeVersion;

  public StaffApi(ConsoleServices s) {
    this.vertx = s.vertx();
    this.cases = s.cases();
    this.audit = s.audit();
    this.replies = s.replies();
    this.logins = s.logins();
    this.auth = new SessionAuthHandler(s.staff(), s.settings().sessionIdle(), s.clock());
    this.settings = s.settings();
    this.channels = s.channels();
    this.triage = s.triage();
    this.engine = s.triageEngine();
    this.guard = new CaseGuard(s.cases(), s.audit());
    this.actions = new CaseActionsApi(s.commands(), s.handoffs(), s.agencies(), guard, s.events(), s.hours(), s.clock());
    this.admin = new AdminApi(s.vertx(), s.staff(), s.agencies(), s.templates(), s.audit(), guard, s.logins(), s.hasher(),
        s.clock());
    this.live = new LiveEvents(s.events(), new OpenStreams(s.vertx(), s.staff(), s.settings()),
        s.settings().maxStreamsPerSession());
    this.reports = new ReportsApi(s.reports(), guard, s.clock());
    this.contract = s.contract();
    this.model = new TriageModelApi(s.vertx(), s.triageModels(), s.triageModelInForce(), guard);
    this.corrections = new TriageCorrectionsApi(s.triageCorrections(), s.audit(), guard, s.clock());
    this.complaints = new ComplaintsApi(s.complaints(), guard, s.audit(), s.clock());
    this.accommodations = s.accommodations();
    this.accommodation = new AccommodationApi(s.accommodations(), guard, s.clock());
    this.milestones = new MilestonesApi(s.milestones(), guard, s.audit(), s.clock());
    this.staffCases = new StaffCasesApi(s.staffIntake(), s.staffCases(), guard, s.clock());
    this.clock = s.clock();
    this.clientAddress = s.clientAddress();
    this.firstLogin = new FirstLoginGate(s.settings().requireTotpRoles());
    this.accounts = new AccountsApi(s.vertx(), s.staff(), guard, s.hasher());
    this.noticeVersion = s.privacyNoticeVersion();
  }

  /** A new router with every API route; mount it at {@code /api}. */
  public Router router() {
    Router router = Router.router(vertx);
    // Resolved once per request (TRUSTED_PROXIES honoured): every audit row and the login limit use it.
    router.route().handler(ctx -> {
      ctx.put(HttpJson.CLIENT_ADDRESS, clientAddress.of(ctx.request()));
      ctx.next();
    });
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    router.route().handler(ctx -> {
      if (!TriageModelApi.isUpload(ctx)) {
        body.handle(ctx);
        return;
      }
      // A model upload is read only after the session check: held back until then. Refused before being read,
      // the rest of the body is discarded for at most a few seconds and the connection closed: closing at once,
      // with the client's bytes still unread, makes TCP reset the connection and the client may lose the answer.
      ctx.request().pause();
      ctx.addHeadersEndHandler(v -> {
        if (!ctx.request().isEnded()) {
          ctx.response().putHeader("Connection", "close");
        }
      });
      ctx.addEndHandler(done -> {
        if (!ctx.request().isEnded()) {
          long timer = vertx.setTimer(REFUSED_UPLOAD_DRAIN_MS, t -> ctx.request().connection().close());
          ctx.request().handler(ignored -> { });
          ctx.request().endHandler(end -> {
            vertx.cancelTimer(timer);
            ctx.request().connection().close();
          });
          ctx.request().resume();
        }
      });
      ctx.next();
    });
    router.route().handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.next();
    });
    // Limited per address first (a flood costs no parsing or hashing), then validated like every other call.
    router.post("/login").handler(this::loginRate).handler(contract).handler(this::login);
    router.route().handler(auth);
    router.route().handler(firstLogin);
    TriageModelApi.mountBodyHandler(router);
    router.route().handler(contract);
    router.get("/session").handler(this::session);
    router.post("/logout").handler(this::logout);
    router.get("/channels").handler(this::channels);
    router.get("/cases").handler(this::listCases);
    router.get("/cases/:id").handler(this::readCase);
    router.get("/cases/:id/messages").handler(this::messagesAfter);
    router.post("/cases/:id/replies").handler(this::reply);
    router.get("/cases/:id/attachments/:attachmentId").handler(this::attachment);
    router.post("/cases/:id/triage").handler(this::correctTriage);
    router.get("/categories").handler(this::categories);
    router.get("/triage/rules").handler(this::rules);
    router.put("/triage/rules").handler(this::saveRules);
    router.get("/events").handler(live::handle);
    actions.mount(router);
    admin.mount(router);
    accounts.mount(router);
    reports.mount(router);
    model.mount(router);
    corrections.mount(router);
    complaints.mount(router);
    accommodation.mount(router);
    milestones.mount(router);
    staffCases.mount(router);
    router.route().failureHandler(new ApiFailureHandler());
    return router;
  }

  private void loginRate(RoutingContext ctx) {
    String remote = HttpJson.remote(ctx);
    logins.countRequest(remote).onSuccess(decision -> {
      if (decision.allowed()) {
        ctx.next();
        return;
      }
      auditLogin(triedLogin(ctx), LoginService.LoginAttempt.refused(null, LoginService.Refusal.RATE_LIMITED), remote)
          .onComplete(done -> {
            ctx.response().putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
            ctx.fail(new ApiException(429, "too_many_logins",
                "ログインの試行が多すぎます。しばらく待ってください / too many login attempts; wait a minute"));
          });
    }).onFailure(ctx::fail);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    String login = body.getValue("login") instanceof String s ? s : null;
    String password = body.getValue("password") instanceof String s ? s : null;
    if (login == null || password == null || login.isBlank() || password.isEmpty() || password.length() > 1024) {
      throw ApiException.badRequest("invalid_request", "login and password are required");
    }
    String remote = HttpJson.remote(ctx);
    String code = body.getValue("code") instanceof String c ? c : null;
    logins.login(login, password, code, remote)
        .compose(attempt -> auditLogin(login, attempt, remote).map(v -> attempt))
        .onSuccess(attempt -> {
          if (attempt.refusal() == LoginService.Refusal.CODE_MISSING) {
            ctx.fail(new ApiException(401, "totp_required",
                "確認コード(6桁)を入力してください / enter the 6-digit code from your authenticator app"));
            return;
          }
          if (attempt.session().isEmpty()) {
            // Unknown, inactive, locked, wrong password or code: one answer, so none of them can be told apart.
            ctx.fail(new ApiException(401, "invalid_credentials",
                "ログインIDかパスワードが違います / Wrong login or password"));
            return;
          }
          LoginService.OpenedSession opened = attempt.session().get();
          ctx.response().addCookie(sessionCookie(ctx, opened.token(), settings.sessionTtl().toSeconds()));
          JsonObject answer = new JsonObject()
              .put("csrfToken", opened.csrfToken())
              .put("staff", CaseJson.staff(opened.member()));
          firstLogin.pending(opened.member().role(), opened.mustChangePassword(), opened.totpEnabled())
              .ifPresent(step -> answer.put("pending", step.code()));
          ok(ctx, 200, answer);
        })
        .onFailure(ctx::fail);
  }

  /** Every login, refused ones included, with the login name tried (never the password) and the refusal. */
  private Future<Void> auditLogin(String login, LoginService.LoginAttempt attempt, String remote) {
    JsonObject detail = new JsonObject().put("login", login);
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

  private void session(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject answer = new JsonObject().put("csrfToken", session.csrfToken()).put("staff", CaseJson.staff(session.staff()));
    firstLogin.pending(session).ifPresent(step -> answer.put("pending", step.code()));
    ok(ctx, 200, answer);
  }

  private void logout(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    logins.logout(session).onSuccess(v -> {
      live.endSession(session, "logout");
      ctx.response().addCookie(sessionCookie(ctx, "", 0));
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  /** Which channels can deliver now, with details such as LINE's remaining push quota. */
  private void channels(RoutingContext ctx) {
    StaffSession.of(ctx);
    JsonArray items = new JsonArray();
    channels.connectors().forEach(c -> items.add(c.health().toJson().put("channel", c.channel())));
    ok(ctx, 200, new JsonObject().put("items", items));
  }

  private void listCases(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    String status = ctx.queryParams().get("status") == null ? "open" : ctx.queryParams().get("status");
    if (!STATUSES.contains(status)) {
      throw ApiException.badRequest("invalid_status", "status must be open or closed");
    }
    if (ctx.queryParams().get("q") != null) {
      searchCases(ctx, session, ctx.queryParams().get("status"));
      return;
    }
    int limit = queueLimit(ctx.queryParams().get("limit"));
    QueueCursor after = queueCursor(ctx.queryParams().get("after"));
    String followUp = ctx.queryParams().get("followUp");
    if (followUp != null && !followUp.equals("due")) {
      throw ApiException.badRequest("invalid_follow_up", "followUp must be due");
    }
    long office = session.staff().officeId();
    java.time.LocalDate today = CaseJson.today(clock);
    cases.list(office, status, limit, after, followUp == null ? null : today)
        .compose(page -> cases.followUpsDue(office, status, today).map(due -> Map.entry(page, due)))
        .compose(listed -> cases.countsByUrgency(office, status).map(counts -> {
          CaseStore.QueuePage page = listed.getKey();
          JsonArray items = new JsonArray();
          page.items().forEach(c -> items.add(CaseJson.summary(c, today, noticeVersion)));
          JsonObject byUrgency = new JsonObject();
          counts.forEach(byUrgency::put);
          return new JsonObject().put("items", items)
              .put("next", page.next() == null ? null : page.next().encode())
              .put("counts", byUrgency)
              .put("total", counts.values().stream().mapToLong(Long::longValue).sum())
              .put("followUpsDue", listed.getValue());
        }))
        .onSuccess(body -> ok(ctx, 200, body))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/cases?q=}: cases whose contact or messages hold the phrase, among those the caller may read
   * (the chief: the office's; a consultant: their own; the administrator reads no consultations). Audited with the
   * number found, never the phrase, which may be a resident's name.
   */
  private void searchCases(RoutingContext ctx, StaffSession session, String status) {
    String phrase = ctx.queryParams().get("q").strip();
    if (phrase.isEmpty() || phrase.length() > SEARCH_MAX_LENGTH) {
      throw ApiException.badRequest("invalid_q", "q は1〜" + SEARCH_MAX_LENGTH + "文字です / q must be 1 to "
          + SEARCH_MAX_LENGTH + " characters");
    }
    int limit = queueLimit(ctx.queryParams().get("limit"));
    Long only = session.staff().role() == Role.CHIEF ? null : session.staff().id();
    guard.role(ctx, session, "case.search", Role.CHIEF, Role.CONSULTANT)
        .compose(v -> cases.search(session.staff().officeId(), phrase, only, status, limit))
        .compose(found -> audit.record(new AuditEntry(null, session.staff().id(), null, "case.search", true,
                HttpJson.remote(ctx), new JsonObject().put("results", found.size())
                    .put("cases", new JsonArray(found.stream().map(c -> c.id()).toList()))))
            .map(v -> found))
        .onSuccess(found -> {
          JsonArray items = new JsonArray();
          java.time.LocalDate today = CaseJson.today(clock);
          found.forEach(c -> items.add(CaseJson.summary(c, today, noticeVersion)));
          ok(ctx, 200, new JsonObject().put("items", items).put("next", (String) null));
        })
        .onFailure(ctx::fail);
  }

  private static int queueLimit(String raw) {
    if (raw == null) {
      return QUEUE_PAGE;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= QUEUE_PAGE_MAX) {
        return limit;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_limit", "limit must be 1 to " + QUEUE_PAGE_MAX);
  }

  private static QueueCursor queueCursor(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try {
      return QueueCursor.decode(raw);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("invalid_cursor", "after must be the next value of a previous page");
    }
  }

  private void readCase(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    authorisedCase(ctx, session, "case.read")
        .compose(found -> guard.readableThread(ctx, session, found)
            .compose(readable -> cases.detail(found, readable))
            .compose(detail -> triage.results(found.summary().id())
                .map(results -> CaseJson.detail(detail, CaseJson.today(clock), noticeVersion).put("triage", results)))
            .compose(json -> accommodations.of(found.summary().id())
                .map(a -> json.put("accommodation", AccommodationApi.json(a)))))
        .onSuccess(json -> ok(ctx, 200, json))
        .onFailure(ctx::fail);
  }

  /**
   * {@code GET /api/cases/{id}/messages?after=ID}: the messages stored after {@code ID} on a case this login has
   * opened (and on its linked cases it opened), for a console that already shows the thread. Not a new read: it
   * writes no audit row when allowed ({@link CaseGuard#followedThread} says why), a refusal is audited.
   */
  private void messagesAfter(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long after = nonNegative(ctx.queryParams().get("after"), "after");
    guard.followedThread(ctx, session, pathId(ctx))
        .compose(readable -> cases.messagesAfter(readable, after))
        .onSuccess(list -> ok(ctx, 200, new JsonObject().put("items", CaseJson.messages(list))))
        .onFailure(ctx::fail);
  }

  private static long nonNegative(String raw, String what) {
    try {
      long value = Long.parseLong(raw == null ? "" : raw);
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_" + what, what + " must be a message id (0 or more)");
  }

  private void reply(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = jsonBody(ctx);
    String text = body.getValue("text") instanceof String s ? s : null;
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("text_required", "返信の本文がありません / text is required");
    }
    if (text.length() > settings.maxReplyLength()) {
      throw ApiException.badRequest("text_too_long", "text is longer than " + settings.maxReplyLength() + " characters");
    }
    authorisedCase(ctx, session, "case.reply")
        // A consultation taken by phone or at the window has no channel: a reply queued for it could never go out.
        .compose(found -> StaffRoutes.isStaffRoute(found.summary().channel())
            ? Future.failedFuture(new ApiException(409, "no_channel",
                "この相談は電話・窓口などで受けたため、ここからは返信できません / this consultation came by phone, "
                    + "at the window or by visit: there is no channel to reply on"))
            : replies.queue(found.summary().id(), session.staff().id(), text))
        .onSuccess(queued -> ok(ctx, 202, new JsonObject().put("messageId", queued.messageId())))
        .onFailure(ctx::fail);
  }

  private void attachment(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    long attachmentId = positive(ctx.pathParam("attachmentId"), "attachment id");
    authorisedCase(ctx, session, "attachment.read")
        .compose(found -> cases.attachment(found.summary().id(), attachmentId))
        .onSuccess(found -> {
          if (found.isEmpty()) {
            ctx.fail(ApiException.notFound("attachment " + attachmentId));
            return;
          }
          AttachmentResponse.send(ctx.response(), attachmentId, found.get());
        })
        .onFailure(ctx::fail);
  }

  /** Staff set a case's categories and urgency; the correction is kept beside what triage said. */
  private void correctTriage(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = jsonBody(ctx);
    JsonArray raw = body.getValue("categories") instanceof JsonArray a ? a : null;
    String urgency = body.getValue("urgency") instanceof String u ? u : null;
    if (raw == null || raw.isEmpty() || urgency == null || !Set.of("crisis", "urgent", "normal").contains(urgency)) {
      throw ApiException.badRequest("invalid_triage", "categories (non-empty) and urgency (crisis, urgent, normal) are required");
    }
    java.util.List<String> categories = new java.util.ArrayList<>();
    for (Object c : raw) {
      if (!(c instanceof String code) || !Category.isKnown(code)) {
        throw ApiException.badRequest("unknown_category", "unknown category: " + c);
      }
      if (!categories.contains(code)) {
        categories.add(code);
      }
    }
    authorisedCase(ctx, session, "case.triage")
        .compose(found -> triage.correct(found.summary().id(), session.staff().id(), categories, urgency))
        .onSuccess(v -> ok(ctx, 200, new JsonObject().put("categories", new JsonArray(categories)).put("urgency", urgency)))
        .onFailure(ctx::fail);
  }

  private void categories(RoutingContext ctx) {
    StaffSession.of(ctx);
    JsonArray items = new JsonArray();
    Category.LABELS.forEach((code, label) -> items.add(new JsonObject().put("code", code).put("label", label)
        .put("labelEn", Category.LABELS_EN.get(code))));
    ok(ctx, 200, new JsonObject().put("items", items));
  }

  private void rules(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    guard.role(ctx, session, "triage.rules.read", Role.CHIEF, Role.ADMIN).onSuccess(v -> ok(ctx, 200, new JsonObject()
        .put("rules", engine.rules().text()).put("size", engine.rules().size()))).onFailure(ctx::fail);
  }

  /** The chief replaces the triage rules; a file with an error is refused with its line, the old rules stay. */
  private void saveRules(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = jsonBody(ctx);
    String text = body.getValue("rules") instanceof String r ? r : null;
    if (text == null || text.isBlank()) {
      throw ApiException.badRequest("invalid_rules", "rules text is required");
    }
    guard.role(ctx, session, "triage.rules.write", Role.CHIEF, Role.ADMIN)
        .compose(v -> vertx.executeBlocking(() -> TriageRules.parse(text), false))
        .compose(parsed -> triage.saveRules(text, session.staff().id()).map(id -> {
          engine.replace(parsed);
          return parsed;
        }))
        .compose(parsed -> guard.done(ctx, session, "triage.rules.write", new JsonObject().put("size", parsed.size()))
            .map(parsed))
        .onSuccess(parsed -> ok(ctx, 200, new JsonObject().put("size", parsed.size())))
        .onFailure(err -> {
          if (err instanceof TriageRuleException bad) {
            ok(ctx, 422, new JsonObject().put("error", "invalid_rules").put("line", bad.line())
                .put("message", bad.getMessage()));
            return;
          }
          ctx.fail(err);
        });
  }

  private Future<OfficeCase> authorisedCase(RoutingContext ctx, StaffSession session, String action) {
    return guard.caseFor(ctx, session, pathId(ctx), action);
  }

  private static long pathId(RoutingContext ctx) {
    return positive(ctx.pathParam("id"), "case id");
  }

  private static long positive(String raw, String what) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_id", what + " must be a positive number");
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().isEmpty()) {
      throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
    }
    return body;
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

  private static void ok(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
