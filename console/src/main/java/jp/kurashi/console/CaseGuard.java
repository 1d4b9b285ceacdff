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
 * is written to the audit log before anything is returned. Refusals are 403; another office's case is 404.
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
    return checked(ctx, session, caseId, action, true);
  }

  /**
   * The same check for a signal that shows nothing of the case and repeats every few seconds (a consultant typing):
   * a refusal is audited, an allowed signal is not, so typing a reply does not bury the log's reads under its rows.
   */
  Future<OfficeCase> caseForSignal(RoutingContext ctx, StaffSession session, long caseId, String action) {
    return checked(ctx, session, caseId, action, false);
  }

  private Future<OfficeCase> checked(RoutingContext ctx, StaffSession session, long caseId, String action,
                                     boolean recordAllowed) {
    return cases.find(caseId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("case " + caseId));
      }
      if (found.get().officeId() != session.staff().officeId()) {
        return otherOffice(ctx, session, caseId, action);
      }
      boolean allowed = policy.mayRead(session.staff(), found.get());
      Future<Void> recorded = allowed && !recordAllowed ? Future.succeededFuture()
          : audit.record(new AuditEntry(null, session.staff().id(), caseId, action, allowed, HttpJson.remote(ctx),
              inSession(session)));
      return recorded.compose(v -> allowed ? Future.succeededFuture(found.get())
          : Future.failedFuture(ApiException.forbidden("case_not_yours",
              "この相談を見る権限がありません / You may not work on this case")));
    });
  }

  /** A case row's detail: which session of the staff member did it. */
  private static JsonObject inSession(StaffSession session) {
    return new JsonObject().put("session", session.auditId());
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
            inSession(session).put("linkedFrom", opened));
        audited = audited.compose(v -> audit.record(entry));
      }
      return audited.map(v -> readable);
    });
  }

  /**
   * The ids of the case and of its linked cases whose new messages the caller may follow without a new audit row:
   * the caller may read each under the same policy as {@link #caseFor}, and this very session already recorded reading
   * it ({@link AuditLog#readInSession}: not another session of the same account, such as one left open on a shared PC
   * while its owner logs in elsewhere). Following is therefore never a read that went unrecorded: what it returns is in
   * that session's recorded read or arrived after it. A
   * refusal is audited ({@code case.follow}, 403); a case this login has not opened is {@code 409 read_first}, so
   * the console opens it the audited way.
   */
  Future<List<Long>> followedThread(RoutingContext ctx, StaffSession session, long caseId) {
    return cases.find(caseId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(ApiException.notFound("case " + caseId));
      }
      if (found.get().officeId() != session.staff().officeId()) {
        return otherOffice(ctx, session, caseId, "case.follow");
      }
      if (!policy.mayRead(session.staff(), found.get())) {
        return audit.record(AuditEntry.of(session.staff().id(), caseId, "case.follow", false, HttpJson.remote(ctx)))
            .compose(v -> Future.failedFuture(ApiException.forbidden("case_not_yours",
                "この相談を見る権限がありません / You may not work on this case")));
      }
      return cases.thread(caseId).compose(thread -> {
        List<Long> mayRead = new ArrayList<>();
        mayRead.add(caseId);
        thread.stream().filter(other -> other.summary().id() != caseId && policy.mayRead(session.staff(), other))
            .forEach(other -> mayRead.add(other.summary().id()));
        return audit.readInSession(session.staff().id(), session.auditId(), mayRead).compose(read -> read.contains(caseId)
            ? Future.succeededFuture(mayRead.stream().filter(read::contains).toList())
            : Future.failedFuture(new ApiException(409, "read_first",
                "この相談をもう一度開いてください / open the case first (GET /api/cases/{id})")));
      });
    });
  }

  /**
   * As for a claim: another office's case answers as if it did not exist (a 403 would tell its ids, hence that office's
   * volume, apart from unused ones), and its id stays out of this office's audit rows but for the detail.
   */
  private <T> Future<T> otherOffice(RoutingContext ctx, StaffSession session, long caseId, String action) {
    return refused(ctx, session, null, action, new JsonObject().put("caseId", caseId))
        .compose(v -> Future.failedFuture(ApiException.notFound("case " + caseId)));
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
    return record(ctx, session, caseId, action, null);
  }

  /** Writes a row built by the caller. */
  Future<Void> record(AuditEntry entry) {
    return audit.record(entry);
  }

  /** The same, with what it was done with in {@code detail} (the other case of a merge), never a secret. */
  Future<Void> record(RoutingContext ctx, StaffSession session, Long caseId, String action, JsonObject detail) {
    return audit.record(new AuditEntry(null, session.staff().id(), caseId, action, true, HttpJson.remote(ctx), detail));
  }
}
