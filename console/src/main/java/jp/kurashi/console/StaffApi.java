package jp.kurashi.console;

import io.vertx.ext.web.Router;

/**
 * The staff REST API under {@code /api}, routed from {@code openapi.yaml}: this class only wires the gates every
 * request passes (client address, body, session, CSRF, first-login step) and the handlers of each resource.
 *
 * <pre>{@code
 * router.route("/api/*").subRouter(new StaffApi(services).router());
 * }</pre>
 */
public final class StaffApi {

  private final ConsoleServices s;

  public StaffApi(ConsoleServices services) {
    this.s = services;
  }

  /** A new router with every API route; mount it at {@code /api}. */
  public Router router() {
    ApiContract contract = s.contract();
    CaseGuard guard = new CaseGuard(s.cases(), s.audit());
    FirstLoginGate firstLogin = new FirstLoginGate(s.settings().requireTotpRoles());
    LiveEvents live = new LiveEvents(s.events(), new OpenStreams(s.vertx(), s.staff(), s.settings()),
        s.settings().maxStreamsPerSession());
    SessionApi session = new SessionApi(s.logins(), s.audit(), live, firstLogin, s.settings(), s.clientAddress());
    Operations operations = new Operations(s.vertx(), contract)
        // Resolved once per request (TRUSTED_PROXIES honoured): every audit row and the login limit use it.
        .before(ctx -> {
          ctx.put(HttpJson.CLIENT_ADDRESS, s.clientAddress().of(ctx.request()));
          ctx.next();
        })
        .before(new RequestBodies(s.vertx()))
        .before(ctx -> {
          ctx.response().putHeader("Cache-Control", "no-store");
          ctx.next();
        })
        // Login is limited per address first (a flood costs no parsing or hashing), then validated like every other
        // call; every other call needs its session (and its first-login step done) before it is validated.
        .before(contract.whenPublic(session::loginLimit))
        .before(contract.unlessPublic(new SessionAuthHandler(s.staff(), s.settings().sessionIdle(), s.clock())))
        .before(contract.unlessPublic(firstLogin))
        .before(contract.unlessPublic(new OperatorGate(contract, s.audit())))
        .before(TriageModelApi.uploadBody(guard));
    session.bind(operations);
    operations.on("events", live::handle);
    new ReferenceApi(s.channels(), contract.enums(), s.offices()).bind(operations);
    // Each office's notice and hours; the deployment's (the first office's) for an office not listed.
    java.util.Map<Long, ConsoleOffice> offices = s.offices().stream()
        .collect(java.util.stream.Collectors.toMap(ConsoleOffice::id, o -> o));
    java.util.function.LongFunction<String> notice = id -> offices.containsKey(id)
        ? offices.get(id).privacyNoticeVersion() : s.privacyNoticeVersion();
    java.util.function.LongFunction<jp.kurashi.core.office.OfficeHours> hours = id -> offices.containsKey(id)
        ? offices.get(id).hours() : s.hours();
    new QueueApi(s.cases(), s.audit(), guard, s.clock(), notice).bind(operations);
    new CaseApi(s.cases(), s.triage(), s.accommodations(), s.replies(), guard, s.settings(), s.clock(),
        notice).bind(operations);
    new CaseActionsApi(s.commands(), s.handoffs(), s.agencies(), guard, s.events(), hours, s.clock()).bind(operations);
    new StaffCasesApi(s.staffIntake(), s.staffCases(), guard, s.clock()).bind(operations);
    new AccommodationApi(s.accommodations(), guard, s.clock()).bind(operations);
    new MilestonesApi(s.milestones(), guard, s.audit(), s.clock()).bind(operations);
    new ComplaintsApi(s.complaints(), guard, s.audit(), s.clock()).bind(operations);
    new AdminApi(s.vertx(), s.staff(), s.agencies(), s.templates(), s.audit(), guard, s.logins(), s.hasher(), s.clock())
        .bind(operations);
    new AccountsApi(s.vertx(), s.staff(), guard, s.hasher()).bind(operations);
    new ReportsApi(s.reports(), new MonthlyReport(contract.enums()), guard, s.clock()).bind(operations);
    new OfficesApi(s.reports(), guard).bind(operations);
    new TriageRulesApi(s.vertx(), s.triage(), s.triageEngine(), guard).bind(operations);
    new TriageModelApi(s.vertx(), s.triageModels(), s.triageModelInForce(), guard).bind(operations);
    new TriageCorrectionsApi(s.triageCorrections(), s.audit(), guard, s.clock()).bind(operations);
    Router router = operations.router();
    router.route().handler(ctx -> ctx.fail(ApiException.notFound("API route " + ctx.request().method() + " "
        + ctx.request().path())));
    router.route().failureHandler(new ApiFailureHandler());
    return router;
  }
}
