package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

/**
 * The staff API's contract, {@code openapi.yaml}: the API's routes are built from it ({@link Operations}) and every
 * request is validated against it before its handler runs, so the document cannot drift from what the gateway
 * accepts. A call the document does not describe is 404, one that does not match it is 400.
 *
 * <pre>{@code
 * ApiContract.load(vertx).map(contract -> new StaffApi(services));
 * }</pre>
 */
public final class ApiContract {

  /** Routing-context key of the request's operation, looked up once per request. */
  private static final String OPERATION = "kurashi.operation";

  private final OpenAPIContract contract;
  private final ContractEnums enums;

  private ApiContract(OpenAPIContract contract) {
    this.contract = contract;
    this.enums = ContractEnums.of(contract);
  }

  /** Reads {@code openapi.yaml} from the classpath. */
  public static Future<ApiContract> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, "openapi.yaml").map(ApiContract::new);
  }

  OpenAPIContract openApi() {
    return contract;
  }

  /** The document's lists (components/schemas with an enum). */
  public ContractEnums enums() {
    return enums;
  }

  /** Runs {@code handler} only for an operation that needs no session (login); every other request passes on. */
  Handler<RoutingContext> whenPublic(Handler<RoutingContext> handler) {
    return ctx -> {
      if (isPublic(ctx)) {
        handler.handle(ctx);
      } else {
        ctx.next();
      }
    };
  }

  /** Runs {@code handler} for every request but a public operation's: an undocumented call too (401 before 404). */
  Handler<RoutingContext> unlessPublic(Handler<RoutingContext> handler) {
    return ctx -> {
      if (isPublic(ctx)) {
        ctx.next();
      } else {
        handler.handle(ctx);
      }
    };
  }

  /** Whether the document says the request's operation needs no session ({@code security: []}). */
  private boolean isPublic(RoutingContext ctx) {
    Operation operation = operation(ctx);
    return operation != null && operation.getSecurityRequirements().isEmpty();
  }

  /** Whether the document lets the operator (法人本部) make the request's call ({@code x-operator: true}). */
  boolean operatorMay(RoutingContext ctx) {
    Operation operation = operation(ctx);
    return operation != null && operation.getOpenAPIModel().getBoolean("x-operator", false);
  }

  /** The request's operation, looked up once per request; null for a call the document does not describe. */
  Operation operation(RoutingContext ctx) {
    Operation operation = ctx.get(OPERATION);
    if (operation == null) {
      operation = contract.findOperation(ctx.request().path(), ctx.request().method());
      if (operation != null) {
        ctx.put(OPERATION, operation);
      }
    }
    return operation;
  }
}
