package jp.kurashi.console;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Operation;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.AuditLog.AuditEntry;

/**
 * Lets the operator (法人本部) make only the calls {@code openapi.yaml} marks {@code x-operator: true}: its session,
 * the reference lists, the offices' overview and the reports. Anything else (a case, the queue, a search, a message,
 * an attachment, an export, any action) is 403 {@code operator_no_content} and audited first, so an operation added
 * later is closed to the operator until the document opens it, and so is a call the document does not describe.
 * Mounted after the session and first-login gates; other roles pass untouched.
 */
final class OperatorGate implements Handler<RoutingContext> {

  private final ApiContract contract;
  private final AuditLog audit;

  OperatorGate(ApiContract contract, AuditLog audit) {
    this.contract = contract;
    this.audit = audit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    if (session.staff().role() != Role.OPERATOR || ctx.request().method() == HttpMethod.OPTIONS
        || contract.operatorMay(ctx)) {
      ctx.next();
      return;
    }
    // Refused too when no operation is found: should the router ever serve a path the lookup does not know, the
    // operator must not be the one who finds out. The path's ids go in the detail, not case_id: a refused call may
    // name a case that does not exist.
    Operation operation = contract.operation(ctx);
    JsonObject detail = new JsonObject().put("operation", operation == null ? null : operation.getOperationId())
        .put("path", ctx.normalizedPath());
    audit.record(new AuditEntry(null, session.staff().id(), null, "operator.refused", false, HttpJson.remote(ctx), detail))
        .onSuccess(v -> ctx.fail(ApiException.forbidden("operator_no_content",
            "法人本部の権限では相談の内容を見たり操作したりできません / the operator role sees counts and reports only")))
        .onFailure(ctx::fail);
  }
}
