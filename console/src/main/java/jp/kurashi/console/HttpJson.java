package jp.kurashi.console;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading JSON requests and writing JSON answers the same way on every route. */
final class HttpJson {

  /** Routing-context key of the resolved client address (TRUSTED_PROXIES honoured). */
  static final String CLIENT_ADDRESS = "kurashi.clientAddress";

  private HttpJson() {
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
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body instanceof JsonObject o ? o.encode() : ((io.vertx.core.json.JsonArray) body).encode());
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
