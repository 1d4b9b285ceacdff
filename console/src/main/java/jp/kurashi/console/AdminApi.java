package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.PasswordPolicy;
import jp.kurashi.core.store.AgencyStore;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.Recorded;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.TemplateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, the office's lists and the audit log: staff (admin), partner agencies and reply
 * templates (read by everyone, edited by the admin), the audit log and its export (chief), and
 * each user's own password.
 */
final class AdminApi {

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);

  private final Vertx vertx;
  private final StaffStore staff;
  private final AgencyStore agencies;
  private final TemplateStore templates;
  private final AuditLog audit;
  private final CaseGuard guard;
  private final LoginService logins;
  private final PasswordHasher hasher;
  private final java.time.Clock clock;

  AdminApi(Vertx vertx, StaffStore staff, AgencyStore agencies, TemplateStore templates, AuditLog audit, CaseGuard guard,
           LoginService logins, PasswordHasher hasher, java.time.Clock clock) {
    this.clock = clock;
    this.vertx = vertx;
    this.staff = staff;
    this.agencies = agencies;
    this.templates = templates;
    this.audit = audit;
    this.guard = guard;
    this.logins = logins;
    this.hasher = hasher;
  }

  void bind(Operations operations) {
    operations.answer("listStaff", 200, this::listStaff);
    operations.answer("createStaff", 201, this::createStaff);
    operations.answer("changePassword", 204, this::changePassword);
    operations.answer("totpSetup", 200, this::totpSetup);
    operations.answer("totpEnable", 204, this::totpEnable);
    operations.answer("listAgencies", 200, this::agencies);
    operations.answer("addAgency", 201, this::addAgency);
    operations.answer("listTemplates", 200, this::templates);
    operations.answer("saveTemplate", 201, this::saveTemplate);
    operations.answer("audit", 200, this::audit);
    operations.on("auditCsv", this::auditCsv);
  }

  private Future<?> listStaff(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return guard.role(ctx, session, "staff.list", Role.CHIEF, Role.ADMIN)
        .compose(v -> staff.list(session.staff().officeId()))
        .map(list -> RecordJson.items(list, RecordJson::staff));
  }

  private Future<?> createStaff(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> NewStaff.of(HttpJson.body(ctx)))
        .compose(member -> guard.role(ctx, session, "staff.create", Role.ADMIN)
            .compose(v -> vertx.executeBlocking(() -> hasher.hash(member.password()), false))
            // The admin chose this password, so its owner must replace it at first login.
            .compose(hash -> staff.create(session.staff().officeId(), member.login(), member.displayName(), member.role(),
                hash, true))
            .recover(err -> Future.failedFuture(err instanceof io.vertx.pgclient.PgException pg
                && "23505".equals(pg.getSqlState()) ? new ApiException(409, "login_taken", "this login is already used") : err))
            .compose(id -> guard.done(ctx, session, "staff.create", new JsonObject().put("targetStaffId", id)
                .put("login", member.login()).put("role", member.role().code())).map(id))
            .map(id -> new JsonObject().put("id", id).put("login", member.login()).put("role", member.role().code())));
  }

  /** A new account as the admin typed it. */
  private record NewStaff(String login, String password, String displayName, Role role) {

    static NewStaff of(JsonObject body) {
      String login = HttpJson.string(body, "login");
      String password = HttpJson.string(body, "password");
      String displayName = HttpJson.string(body, "displayName");
      Role role;
      try {
        role = Role.fromCode(String.valueOf(body.getValue("role")));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("invalid_role", "role must be admin, chief or consultant");
      }
      if (login == null || !login.matches("[A-Za-z0-9._-]{3,64}")) {
        throw ApiException.badRequest("invalid_login", "login: 3 to 64 letters, digits, . _ -");
      }
      PasswordPolicy.problem(password, login).ifPresent(why -> {
        throw ApiException.badRequest("weak_password", "パスワードが弱すぎます / the password " + why);
      });
      if (displayName == null || displayName.isBlank()) {
        throw ApiException.badRequest("name_required", "displayName is required");
      }
      return new NewStaff(login, password, displayName.strip(), role);
    }
  }

  private Future<?> changePassword(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> newPassword(session, HttpJson.body(ctx)))
        .compose(change -> logins.changePassword(session, change.getKey(), change.getValue()))
        .compose(outcome -> switch (outcome) {
          case CHANGED -> guard.done(ctx, session, "password.change", null);
          case WRONG_PASSWORD -> guard.refused(ctx, session, null, "password.change",
                  new JsonObject().put("reason", "wrong_password"))
              .compose(v -> Future.failedFuture(ApiException.forbidden("wrong_password",
                  "現在のパスワードが違います / current password is wrong")));
          case LOCKED -> guard.refused(ctx, session, null, "password.change", new JsonObject().put("reason", "locked"))
              .compose(v -> Future.failedFuture(ApiException.forbidden("account_locked",
                  "試行回数が多すぎます。15分後にログインし直してください / too many attempts: log in again in 15 minutes")));
        });
  }

  /** The current and the new password, the new one strong enough and different. */
  private static java.util.Map.Entry<String, String> newPassword(StaffSession session, JsonObject body) {
    String current = HttpJson.string(body, "current");
    String next = HttpJson.string(body, "new");
    if (current == null || next == null) {
      throw ApiException.badRequest("weak_password", "current and new are required");
    }
    PasswordPolicy.problem(next, session.staff().login()).ifPresent(why -> {
      throw ApiException.badRequest("weak_password", "新しいパスワードが弱すぎます / the new password " + why);
    });
    if (next.equals(current)) {
      throw ApiException.badRequest("same_password", "新しいパスワードは今と違うものにしてください / choose a new password");
    }
    return java.util.Map.entry(current, next);
  }

  /**
   * Starts the second factor: a new secret for the staff member's authenticator app. Refused once it is on: whoever
   * sits at an open console must not put their own app in the owner's place (the administrator resets it instead).
   */
  private Future<?> totpSetup(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    var key = SecondFactor.newKey();
    return staff.setPendingTotp(session.staff().id(), key.getKey())
        .compose(kept -> kept
            ? Future.succeededFuture(new JsonObject().put("secret", key.getKey())
                .put("uri", SecondFactor.uri(key, session.staff().login())))
            : guard.refused(ctx, session, null, "totp.setup", new JsonObject().put("reason", "already_on"))
                .compose(v -> Future.failedFuture(new ApiException(409, "totp_already_on",
                    "二段階認証はすでに有効です。変更は管理者にリセットを頼んでください / the second factor is already on; "
                        + "ask the administrator to reset it"))));
  }

  /** Turns the second factor on once a code from the app proves it holds the secret. */
  private Future<?> totpEnable(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    String code = HttpJson.string(ctx.body().asJsonObject(), "code"); // the contract requires it, six digits
    return staff.pendingTotp(session.staff().id())
        .compose(pending -> pending.isEmpty()
            ? Future.failedFuture(new ApiException(409, "no_pending_secret", "call /api/totp/setup first"))
            : useProof(session.staff().id(), SecondFactor.matchingStep(pending.get(), code, clock)))
        .compose(fresh -> fresh ? staff.enableTotp(session.staff().id())
            : Future.failedFuture(ApiException.badRequest("wrong_code", "the code was already used; wait for the next")))
        .compose(enabled -> enabled ? guard.done(ctx, session, "totp.enable", null)
            : Future.failedFuture(new ApiException(409, "totp_already_on", "the second factor is already on")));
  }

  /** The code that proved the app holds the secret is used up, so it cannot be replayed at a login. */
  private Future<Boolean> useProof(long staffId, java.util.OptionalLong step) {
    if (step.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("wrong_code", "the code does not match"));
    }
    return staff.useTotpStep(staffId, step.getAsLong());
  }

  private Future<?> agencies(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return agencies.list(session.staff().officeId())
        .map(list -> RecordJson.items(list, RecordJson::agency));
  }

  private Future<?> addAgency(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> agency(HttpJson.body(ctx)))
        .compose(body -> guard.role(ctx, session, "agency.create", Role.ADMIN)
            .compose(v -> agencies.add(session.staff().officeId(), body.getString("name").strip(),
                body.getString("kind").strip(), HttpJson.string(body, "phone"), HttpJson.string(body, "address"),
                HttpJson.string(body, "note"))))
        .compose(id -> guard.done(ctx, session, "agency.create", new JsonObject().put("agencyId", id)).map(id))
        .map(id -> new JsonObject().put("id", id));
  }

  private static JsonObject agency(JsonObject body) {
    String name = HttpJson.string(body, "name");
    String kind = HttpJson.string(body, "kind");
    if (name == null || name.isBlank() || kind == null || kind.isBlank()) {
      throw ApiException.badRequest("invalid_agency", "name and kind are required");
    }
    return body;
  }

  private Future<?> templates(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return templates.list(session.staff().officeId())
        .map(list -> RecordJson.items(list, RecordJson::template));
  }

  private Future<?> saveTemplate(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    return HttpJson.checked(() -> template(HttpJson.body(ctx)))
        .compose(body -> guard.role(ctx, session, "template.save", Role.ADMIN)
            .compose(v -> templates.save(session.staff().officeId(), body.getString("title").strip(),
                body.getString("body"))))
        .compose(id -> guard.done(ctx, session, "template.save", new JsonObject().put("templateId", id)).map(id))
        .map(id -> new JsonObject().put("id", id));
  }

  private static JsonObject template(JsonObject body) {
    String title = HttpJson.string(body, "title");
    String text = HttpJson.string(body, "body");
    if (title == null || title.isBlank() || text == null || text.isBlank()) {
      throw ApiException.badRequest("invalid_template", "title and body are required");
    }
    return body;
  }

  /** The audit view's page when none is asked for: a screen's worth; older rows come with {@code before}. */
  private static final int AUDIT_PAGE = 200;
  /** The CSV export reads the log in pages of this many rows, so an office's whole log never sits in memory. */
  private static final int AUDIT_EXPORT_PAGE = 5_000;

  /** What an audit request asks for: a case (or all), and rows older than {@code before} (or the newest). */
  private record AuditQuery(Long caseId, Long before) {
  }

  private static AuditQuery auditQuery(RoutingContext ctx) {
    return new AuditQuery(optionalId(ctx, "caseId"), optionalId(ctx, "before"));
  }

  private static Long optionalId(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    try {
      return raw == null || raw.isBlank() ? null : Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid_id", name + " must be a number");
    }
  }

  /** One page, newest first; {@code next} is the {@code before} of the page after it, null on the last page. */
  private Future<?> audit(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    AuditQuery query = auditQuery(ctx);
    String rawLimit = ctx.queryParams().get("limit");
    int limit = rawLimit == null ? AUDIT_PAGE : Integer.parseInt(rawLimit); // 1..1000, checked by the contract
    return guard.role(ctx, session, "audit.read", Role.CHIEF)
        // One row more than asked tells whether there is a page after this one.
        .compose(v -> audit.list(query.caseId(), session.staff().officeId(), query.before(), limit + 1))
        .map(rows -> {
          boolean more = rows.size() > limit;
          java.util.List<Recorded> page = more ? rows.subList(0, limit) : rows;
          return RecordJson.items(page, RecordJson::audit)
              .put("next", more ? page.get(page.size() - 1).id() : null);
        });
  }

  /**
   * Every row (older than {@code before}, when given) as CSV, written page by page as the client takes it: an
   * office's log of years is exported whole, in bounded memory.
   */
  private void auditCsv(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    AuditQuery query = auditQuery(ctx);
    long officeId = session.staff().officeId();
    guard.role(ctx, session, "audit.export", Role.CHIEF)
        .compose(v -> audit.list(query.caseId(), officeId, query.before(), AUDIT_EXPORT_PAGE))
        .compose(first -> guard.done(ctx, session, "audit.export", new JsonObject()
            .put("caseId", query.caseId()).put("before", query.before())).map(first))
        .onSuccess(first -> {
          HttpServerResponse response = ctx.response().setChunked(true)
              .putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"audit.csv\"");
          response.write("\uFEFFid,at,staff_id,login,case_id,action,allowed,remote_addr\r\n");
          writeAuditPages(response, query.caseId(), officeId, first);
        }).onFailure(ctx::fail);
  }

  private void writeAuditPages(HttpServerResponse response, Long caseId, long officeId, java.util.List<Recorded> page) {
    StringBuilder csv = new StringBuilder();
    for (Recorded r : page) {
      csv.append(r.id()).append(',').append(r.at()).append(',')
          .append(nullable(r.staffId())).append(',').append(csvField(r.login())).append(',')
          .append(nullable(r.caseId())).append(',').append(csvField(r.action())).append(',')
          .append(r.allowed()).append(',').append(csvField(r.remoteAddr())).append("\r\n");
    }
    if (page.size() < AUDIT_EXPORT_PAGE) {
      response.end(csv.toString());
      return;
    }
    Long before = page.get(page.size() - 1).id();
    // The next page is read once this one has gone to the client, not while a slow client's queue is full.
    response.write(csv.toString()).compose(v -> audit.list(caseId, officeId, before, AUDIT_EXPORT_PAGE))
        .onSuccess(next -> writeAuditPages(response, caseId, officeId, next))
        .onFailure(e -> {
          LOG.atWarn().addKeyValue("error", e.getClass().getSimpleName()).log("audit export stopped part-way");
          // Headers are gone: closing without the last chunk tells the client the file is incomplete.
          response.reset();
        });
  }

  private static String nullable(Long v) {
    return v == null ? "" : v.toString();
  }

  /** Quotes a CSV field; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
  static String csvField(String s) {
    if (s == null) {
      return "";
    }
    String safe = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
    return "\"" + safe.replace("\"", "\"\"") + "\"";
  }
}
