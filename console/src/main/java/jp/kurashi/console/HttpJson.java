package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.Callable;

/**
 * Reading JSON requests and writing JSON answers the same way on every route. A handler is one flat chain, bound
 * with {@link Operations#answer} (which calls {@link #respond}):
 *
 * <pre>{@code
 * private Future<JsonObject> note(RoutingContext ctx) {
 *   return HttpJson.checked(() -> text(ctx))
 *       .compose(text -> store.note(caseId, text))
 *       .map(id -> new JsonObject().put("messageId", id));
 * }
 * }</pre>
 */
final class HttpJson {

  /** Routing-context key of the resolved client address (TRUSTED_PROXIES honoured). */
  static final String CLIENT_ADDRESS = "kurashi.clientAddress";

  private HttpJson() {
  }

  /**
   * Answers with the future's value ({@link JsonObject} or {@link JsonArray}; none for a bodiless status such as
   * 204) and {@code status}, or hands its failure to {@link ApiFailureHandler}: the one way a handler ends.
   */
  static void respond(RoutingContext ctx, Future<?> answer, int status) {
    answer.onSuccess(body -> ok(ctx, status, body)).onFailure(ctx::fail);
  }

  /** A check that may refuse the request ({@link ApiException}) as a future, so a refusal fails like every step. */
  static <T> Future<T> checked(Callable<T> check) {
    try {
      return Future.succeededFuture(check.call());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  /** The future a step returns, or a failed one when the step throws before returning it. */
  static <T> Future<T> attempt(Callable<Future<T>> step) {
    try {
      return step.call();
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  static JsonObject body(RoutingContext ctx) {
    JsonObject body = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      try {
        body = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        body = null;
      }
    }
    if (body == null) {
      throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
    }
    return body;
  }

  static String string(JsonObject body, String field) {
    return body.getValue(field) instanceof String s ? s : null;
  }

  static long id(RoutingContext ctx, String param) {
    try {
      long id = Long.parseLong(ctx.pathParam(param));
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiException.badRequest("invalid_id", param + " must be a positive number");
  }

  static void ok(RoutingContext ctx, int status, Object body) {
    if (body == null) {
      ctx.response().setStatusCode(status).end();
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  /** The client's address as {@link jp.kurashi.core.security.ClientAddress} resolved it when the request came in. */
  static String remote(RoutingContext ctx) {
    String resolved = ctx.get(CLIENT_ADDRESS);
    if (resolved != null) {
      return resolved;
    }
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }
}
