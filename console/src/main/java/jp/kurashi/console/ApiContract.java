package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.channel.Channels;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /**
   * Reads {@code openapi.yaml} from the classpath, with every installed channel's code in the lists that name channels
   * (see {@link #withChannels}).
   */
  public static Future<ApiContract> load(Vertx vertx) {
    List<String> channels = Channels.names();
    return vertx.executeBlocking(ApiContract::document, false)
        .compose(document -> OpenAPIContract.from(vertx, withChannels(document, channels)))
        .map(ApiContract::new);
  }

  /** {@code openapi.yaml} as written (the contract's own raw form has its references resolved into it). */
  private static JsonObject document() throws IOException {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream("openapi.yaml")) {
      if (in == null) {
        throw new IOException("openapi.yaml is missing from the classpath");
      }
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      return new JsonObject(yaml);
    }
  }

  /**
   * The document with {@code channels} inserted into every list marked {@code x-channels-at: N} (at index N): the
   * document names the desk's own ways (電話, 窓口…) and no channel, so a channel plug-in added to the build is in
   * the validation, the menus and the report without an edit here.
   */
  static JsonObject withChannels(JsonObject raw, List<String> channels) {
    JsonObject copy = raw.copy();
    JsonObject schemas = copy.getJsonObject("components", new JsonObject()).getJsonObject("schemas", new JsonObject());
    for (String name : schemas.fieldNames()) {
      if (schemas.getValue(name) instanceof JsonObject schema && schema.getValue("x-channels-at") instanceof Integer at
          && schema.getValue("enum") instanceof JsonArray values) {
        List<Object> list = new ArrayList<>(values.getList());
        // A channel named like one of the desk's own ways (an SMS plug-in beside "sms" as a contact means) is one entry.
        list.addAll(Math.min(at, list.size()), channels.stream().filter(c -> !list.contains(c)).toList());
        schema.put("enum", new JsonArray(list));
      }
    }
    return copy;
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

  /**
   * The path as the router matches it: percent-decoded and without dot segments ({@code normalizedPath}), and without
   * a trailing slash, which the router ignores. The raw path let {@code /api/ca%73es} or {@code /api/cases/} reach
   * the handler of {@code /api/cases} while no operation was found for them, so the gates that ask for the operation
   * (the operator's, the login limit's) were passed by.
   */
  static String routedPath(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The request's operation, looked up once per request; null for a call the document does not describe. */
  Operation operation(RoutingContext ctx) {
    Operation operation = ctx.get(OPERATION);
    if (operation == null) {
      operation = contract.findOperation(routedPath(ctx), ctx.request().method());
      if (operation != null) {
        ctx.put(OPERATION, operation);
      }
    }
    return operation;
  }
}
