package jp.kurashi.console;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.openapi.validation.ValidatorException;
import jp.kurashi.core.store.CaseMergedException;
import jp.kurashi.core.store.ContactUnreachableException;
import jp.kurashi.core.store.DraftSentException;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.core.store.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place API errors become responses: {@code {"error": code, "message": text}}.
 * A database that is down or restarting answers 503; other unexpected failures answer 500 without
 * details and are logged with the request path only.
 */
public final class ApiFailureHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ApiFailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    JsonObject body = new JsonObject();
    if (failure instanceof ApiException api) {
      body = api.details();
      status = api.status();
      code = api.code();
      message = api.getMessage();
    } else if (failure instanceof NotFoundException nf) {
      status = 404;
      code = "not_found";
      message = nf.getMessage();
    } else if (failure instanceof ContactUnreachableException unreachable) {
      status = 409;
      code = "contact_unreachable";
      message = unreachable.getMessage();
    } else if (failure instanceof CaseMergedException merged) {
      status = 409;
      code = "case_merged";
      message = merged.getMessage();
      body.put("keptCaseId", merged.keptCaseId());
    } else if (failure instanceof DraftSentException sent) {
      status = 409;
      code = "draft_sent";
      message = sent.getMessage();
    } else if (failure instanceof DecodeException) {
      status = 400;
      code = "invalid_json";
      message = "request body is not valid JSON";
    } else if (failure instanceof HttpException http && http.getCause() instanceof ValidatorException invalid) {
      // The request does not match openapi.yaml (RouterBuilder's validation).
      status = 400;
      code = "invalid_request";
      message = invalid.getMessage();
    } else if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      code = status == 413 ? "too_large" : "http_" + status;
      message = http.getPayload() != null ? http.getPayload() : "request refused";
    } else if (failure != null && DatabaseFailures.unavailable(failure)) {
      status = 503;
      code = "database_unavailable";
      message = "the database is not reachable just now; try again shortly";
      LOG.atWarn().addKeyValue("path", ctx.normalizedPath()).log("request refused: database unavailable");
    } else if (failure == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      code = "http_" + status;
      message = "request refused";
    } else {
      status = 500;
      code = "internal_error";
      message = "internal error";
      LOG.atError().addKeyValue("path", ctx.normalizedPath()).addKeyValue("error", failure.toString())
          .log("request failed");
    }
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body.put("error", code).put("message", message).encode());
  }
}
