package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.CaseStore.OfficeCase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /**
   * The ids of {@code found} and of those other cases of the same resident the caller may read, under
   * the same policy as reading each directly. Each linked case whose messages will be shown gets its
   * own {@code case.read} row (detail: the case opened); cases the caller may not read are left out
   * of the thread, notes included, and need no row as nothing of them is shown.
   */
  Future<List<Long>> readableThread(RoutingContext ctx, StaffSession session, OfficeCase found) {
    long opened = found.summary().id();
    return cases.thread(opened).compose(thread -> {
      List<Long> readable = new ArrayList<>();
      readable.add(opened);
      Future<Void> audited = Future.succeededFuture();
      for (OfficeCase other : thread) {
        long otherId = other.summary().id();
        if (otherId == opened || !policy.mayRead(session.staff(), other)) {
          continue;
        }
        readable.add(otherId);
        AuditEntry entry = new AuditEntry(null, session.staff().id(), otherId, "case.read", true, HttpJson.remote(ctx),
            new JsonObject().put("linkedFrom", opened));
        audited = audited.compose(v -> audit.record(entry));
      }
      return audited.map(v -> readable);
    });
  }

  /** Records a refused action that is not about access (e.g. claiming a closed case). */
  Future<Void> refused(RoutingContext ctx, StaffSession session, Long caseId, String action, JsonObject detail) {
    return audit.record(new AuditEntry(null, session.staff().id(), caseId, action, false, HttpJson.remote(ctx), detail));
  }

  /**
   * Records a privileged action that succeeded (an account changed, rules replaced, an export): who did
   * it, and in {@code detail} what it was done to, never a secret.
   */
  Future<Void> done(RoutingContext ctx, StaffSession session, String action, JsonObject detail) {
    return audit.record(new AuditEntry(null, session.staff().id(), null, action, true, HttpJson.remote(ctx), detail));
  }

  /** Records an allowed action on a case that needed no content check (claim). */
  Future<Void> record(RoutingContext ctx, StaffSession session, Long caseId, String action) {
    return audit.record(AuditEntry.of(session.staff().id(), caseId, action, true, HttpJson.remote(ctx)));
  }
}
