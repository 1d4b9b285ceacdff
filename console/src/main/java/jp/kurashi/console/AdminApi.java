package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.PasswordPolicy;
import jp.kurashi.core.store.AgencyStore;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.Recorded;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.TemplateStore;

/**
 * Accounts, the office's lists and the audit log: staff (admin), partner agencies and reply
 * templates (read by everyone, edited by the admin), the audit log and its export (chief), and
 * each user's own password.
 */
final class AdminApi {

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

  void mount(Router router) {
    router.get("/staff").handler(this::listStaff);
    router.post("/staff").handler(this::createStaff);
    router.post("/password").handler(this::changePassword);
    router.post("/totp/setup").handler(this::totpSetup);
    router.post("/totp/enable").handler(this::totpEnable);
    router.get("/agencies").handler(this::agencies);
    router.post("/agencies").handler(this::addAgency);
    router.get("/templates").handler(this::templates);
    router.post("/templates").handler(this::saveTemplate);
    router.get("/audit").handler(this::audit);
    router.get("/audit.csv").handler(this::auditCsv);
  }

  private void listStaff(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    guard.role(ctx, session, "staff.list", Role.CHIEF, Role.ADMIN)
        .compose(v -> staff.list(session.staff().officeId()))
        .onSuccess(list -> HttpJson.ok(ctx, 200, new JsonObject().put("items", RecordJson.array(list, RecordJson::staff))))
        .onFailure(ctx::fail);
  }

  private void createStaff(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = HttpJson.body(ctx);
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
    guard.role(ctx, session, "staff.create", Role.ADMIN)
        .compose(v -> vertx.executeBlocking(() -> hasher.hash(password), false))
        // The admin chose this password, so its owner must replace it at first login.
        .compose(hash -> staff.create(session.staff().officeId(), login, displayName.strip(), role, hash, true))
        .compose(id -> guard.done(ctx, session, "staff.create", new JsonObject().put("targetStaffId", id)
            .put("login", login).put("role", role.code())).map(id))
        .onSuccess(id -> HttpJson.ok(ctx, 201, new JsonObject().put("id", id).put("login", login).put("role", role.code())))
        .onFailure(err -> ctx.fail(err instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
            ? new ApiException(409, "login_taken", "this login is already used") : err));
  }

  private void changePassword(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = HttpJson.body(ctx);
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
    logins.changePassword(session, current, next).compose(changed -> changed
            ? guard.done(ctx, session, "password.change", null).map(true) : Future.succeededFuture(false))
        .onSuccess(changed -> {
          if (!changed) {
            ctx.fail(ApiException.forbidden("wrong_password", "現在のパスワードが違います / current password is wrong"));
            return;
          }
          ctx.response().setStatusCode(204).end();
        }).onFailure(ctx::fail);
  }

  /** Starts the second factor: a new secret for the staff member's authenticator app. */
  private void totpSetup(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    var key = SecondFactor.newKey();
    staff.setPendingTotp(session.staff().id(), key.getKey())
        .onSuccess(v -> HttpJson.ok(ctx, 200, new JsonObject().put("secret", key.getKey())
            .put("uri", SecondFactor.uri(key, session.staff().login()))))
        .onFailure(ctx::fail);
  }

  /** Turns the second factor on once a code from the app proves it holds the secret. */
  private void totpEnable(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    String code = HttpJson.string(HttpJson.body(ctx), "code");
    staff.pendingTotp(session.staff().id())
        .compose(pending -> pending.isEmpty()
            ? Future.failedFuture(new ApiException(409, "no_pending_secret", "call /api/totp/setup first"))
            : useProof(session.staff().id(), SecondFactor.matchingStep(pending.get(), code, clock)))
        .compose(v -> staff.enableTotp(session.staff().id()))
        .compose(v -> guard.done(ctx, session, "totp.enable", null))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** The code that proved the app holds the secret is used up, so it cannot be replayed at a login. */
  private Future<Boolean> useProof(long staffId, java.util.OptionalLong step) {
    if (step.isEmpty()) {
      return Future.failedFuture(ApiException.badRequest("wrong_code", "the code does not match"));
    }
    return staff.useTotpStep(staffId, step.getAsLong());
  }

  private void agencies(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    agencies.list(session.staff().officeId())
        .onSuccess(list -> HttpJson.ok(ctx, 200, new JsonObject().put("items", RecordJson.array(list, RecordJson::agency))))
        .onFailure(ctx::fail);
  }

  private void addAgency(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = HttpJson.body(ctx);
    String name = HttpJson.string(body, "name");
    String kind = HttpJson.string(body, "kind");
    if (name == null || name.isBlank() || kind == null || kind.isBlank()) {
      throw ApiException.badRequest("invalid_agency", "name and kind are required");
    }
    guard.role(ctx, session, "agency.create", Role.ADMIN)
        .compose(v -> agencies.add(session.staff().officeId(), name.strip(), kind.strip(), HttpJson.string(body, "phone"),
            HttpJson.string(body, "address"), HttpJson.string(body, "note")))
        .compose(id -> guard.done(ctx, session, "agency.create", new JsonObject().put("agencyId", id)).map(id))
        .onSuccess(id -> HttpJson.ok(ctx, 201, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  private void templates(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    templates.list(session.staff().officeId())
        .onSuccess(list -> HttpJson.ok(ctx, 200, new JsonObject().put("items", RecordJson.array(list, RecordJson::template))))
        .onFailure(ctx::fail);
  }

  private void saveTemplate(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    JsonObject body = HttpJson.body(ctx);
    String title = HttpJson.string(body, "title");
    String text = HttpJson.string(body, "body");
    if (title == null || title.isBlank() || text == null || text.isBlank()) {
      throw ApiException.badRequest("invalid_template", "title and body are required");
    }
    guard.role(ctx, session, "template.save", Role.ADMIN)
        .compose(v -> templates.save(session.staff().officeId(), title.strip(), text))
        .compose(id -> guard.done(ctx, session, "template.save", new JsonObject().put("templateId", id)).map(id))
        .onSuccess(id -> HttpJson.ok(ctx, 201, new JsonObject().put("id", id)))
        .onFailure(ctx::fail);
  }

  private Future<java.util.List<Recorded>> auditRows(RoutingContext ctx, StaffSession session, String action) {
    String raw = ctx.queryParams().get("caseId");
    Long caseId;
    try {
      caseId = raw == null || raw.isBlank() ? null : Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return Future.failedFuture(ApiException.badRequest("invalid_id", "caseId must be a number"));
    }
    Long id = caseId;
    return guard.role(ctx, session, action, Role.CHIEF)
        .compose(v -> audit.list(id, session.staff().officeId(), 10_000));
  }

  private void audit(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    auditRows(ctx, session, "audit.read")
        .onSuccess(rows -> HttpJson.ok(ctx, 200, new JsonObject().put("items", RecordJson.array(rows, RecordJson::audit))))
        .onFailure(ctx::fail);
  }

  private void auditCsv(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    auditRows(ctx, session, "audit.export")
        .compose(rows -> guard.done(ctx, session, "audit.export", new JsonObject()
            .put("caseId", ctx.queryParams().get("caseId")).put("rows", rows.size())).map(rows))
        .onSuccess(rows -> {
          StringBuilder csv = new StringBuilder("\uFEFFid,at,staff_id,login,case_id,action,allowed,remote_addr\r\n");
          for (Recorded r : rows) {
            csv.append(r.id()).append(',').append(r.at()).append(',')
                .append(nullable(r.staffId())).append(',').append(csvField(r.login())).append(',')
                .append(nullable(r.caseId())).append(',').append(csvField(r.action())).append(',')
                .append(r.allowed()).append(',').append(csvField(r.remoteAddr())).append("\r\n");
          }
          ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
              .putHeader("Content-Disposition", "attachment; filename=\"audit.csv\"").end(csv.toString());
        }).onFailure(ctx::fail);
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
