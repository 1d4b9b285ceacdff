package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.CaseStore.OfficeCase;

import java.util.Arrays;

/**
 * The one gate to case content and to role-restricted calls: every attempt, allowed or refused,
 * is written to the audit log before anything is returned. Refusals are 403.
 */
final class CaseGuard {

  private final CaseStore cases;
  private final AuditLog audit;
  private final CaseAccessPolicy policy = new CaseAccessPolicy();

  CaseGuard(CaseStore cases, AuditLog audit) {
    this.cases = cases;
    this.audit = audit;
  }

  /** The case, when the caller may work on its content. */
  Future<OfficeCase> caseFor(RoutingContext ctx, StaffSession session, long caseId, String action) {
    return cases.find(caseId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("case " + caseId));
      }
      boolean allowed = policy.mayRead(session.staff(), found.get());
      return audit.record(AuditEntry.of(session.staff().id(), caseId, action, allowed, HttpJson.remote(ctx)))
          .compose(v -> allowed ? Future.succeededFuture(found.get())
              : Future.failedFuture(ApiException.forbidden("case_not_yours",
                  "この相談を見る権限がありません / You may not work on this case")));
    });
  }

  /** Passes only these roles; a refusal is audited. */
  Future<Void> role(RoutingContext ctx, StaffSession session, String action, Role... roles) {
    if (Arrays.asList(roles).contains(session.staff().role())) {
      return Future.succeededFuture();
    }
    return audit.record(AuditEntry.of(session.staff().id(), null, action, false, HttpJson.remote(ctx)))
        .compose(v -> Future.failedFuture(ApiException.forbidden("role_required",
            "この操作の権限がありません / your role may not do this")));
  }

  /** Records an allowed action on a case that needed no content check (claim). */
  Future<Void> record(RoutingContext ctx, StaffSession session, Long caseId, String action) {
    return audit.record(AuditEntry.of(session.staff().id(), caseId, action, true, HttpJson.remote(ctx)));
  }
}
