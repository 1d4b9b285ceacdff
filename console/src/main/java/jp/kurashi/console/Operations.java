package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.util.List;
import java.util.function.Function;

/**
 * Binds each of the contract's operations, by its {@code operationId}, to the handler that answers it; the router is
 * built only when every operation has one, so a route cannot be missing from the code or from the document.
 *
 * <pre>{@code
 * operations.answer("claim", 200, this::claim)   // Future<JsonObject> claim(RoutingContext ctx)
 *     .on("events", live::handle);              // a handler that writes its own response (a stream, a file)
 * }</pre>
 */
final class Operations {

  private final RouterBuilder builder;

  Operations(Vertx vertx, ApiContract contract) {
    this.builder = RouterBuilder.create(vertx, contract.openApi(), new ContractRequests());
  }

  /** A handler every request meets first, in the order given, before it is validated. */
  Operations before(Handler<RoutingContext> handler) {
    builder.rootHandler(handler);
    return this;
  }

  Operations on(String operationId, Handler<RoutingContext> handler) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("openapi.yaml has no operation " + operationId);
    }
    // The session scheme is checked by SessionAuthHandler before validation (see before(...)), not by the builder.
    route.setDoSecurity(false);
    route.addHandler(handler);
    return this;
  }

  /**
   * Binds an operation answered with JSON and {@code status}: the handler returns the answer's future, and a check
   * it throws ({@link ApiException}) fails that future like any later step; {@link ApiFailureHandler} answers both.
   */
  Operations answer(String operationId, int status, Function<RoutingContext, Future<?>> handler) {
    return on(operationId, ctx -> HttpJson.respond(ctx, HttpJson.attempt(() -> handler.apply(ctx)), status));
  }

  /** The router of every operation; fails when one has no handler. */
  Router router() {
    List<String> unbound = builder.getRoutes().stream().filter(route -> route.getHandlers().isEmpty())
        .map(route -> route.getOperation().getOperationId()).sorted().toList();
    if (!unbound.isEmpty()) {
      throw new IllegalStateException("operations of openapi.yaml without a handler: " + unbound);
    }
    return builder.createRouter();
  }
}
