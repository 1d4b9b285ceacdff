package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;

import java.util.HashMap;
import java.util.Map;

/**
 * Checks every staff API request against {@code openapi.yaml} (the API's documentation) before its
 * route runs: a call the document does not describe is 404, one that does not match it is 400. So the
 * document cannot drift from what the gateway accepts. A JSON body must say {@code application/json}
 * (415 otherwise).
 */
public final class ApiContract implements Handler<RoutingContext> {

  private static final String OCTET_STREAM = "application/octet-stream";

  private final OpenAPIContract contract;
  private final RequestValidator validator;

  private ApiContract(OpenAPIContract contract, RequestValidator validator) {
    this.contract = contract;
    this.validator = validator;
  }

  /** Reads {@code openapi.yaml} from the classpath. */
  public static Future<ApiContract> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, "openapi.yaml")
        .map(contract -> new ApiContract(contract, RequestValidator.create(vertx, contract)));
  }

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    Operation operation = contract.findOperation(path, ctx.request().method());
    if (operation == null) {
      ctx.fail(ApiException.notFound("API route " + ctx.request().method() + " " + path));
      return;
    }
    Map<String, RequestParameter> query = new HashMap<>();
    ctx.queryParams().forEach((k, v) -> query.put(k, new RequestParameterImpl(v)));
    Object body = null;
    String contentType = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      if (takesFile(operation)) {
        contentType = OCTET_STREAM; // a file upload (the triage model): its route reads it, whatever the client called it
      } else {
        if (!json(ctx.request().getHeader("Content-Type"))) {
          // A text/plain or form body is what a cross-site form can send without a preflight: refuse it.
          ctx.fail(new ApiException(415, "unsupported_media_type", "request body must be application/json"));
          return;
        }
        try {
          ctx.body().asJsonObject();
        } catch (RuntimeException e) {
          ctx.fail(ApiException.badRequest("invalid_json", "request body must be a JSON object"));
          return;
        }
        contentType = "application/json";
      }
      body = ctx.body().buffer(); // the validator decodes it by its content type
    }
    ValidatableRequestImpl request = new ValidatableRequestImpl(Map.of(), Map.of(),
        pathParameters(operation.getOpenAPIPath(), path), query, new RequestParameterImpl(body), contentType);
    validator.validate(request, operation.getOperationId())
        .onSuccess(valid -> ctx.next())
        .onFailure(err -> ctx.fail(ApiException.badRequest("invalid_request", err.getMessage())));
  }

  private static boolean json(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim();
    return type.equalsIgnoreCase("application/json");
  }

  private static boolean takesFile(Operation operation) {
    return operation.getRequestBody() != null && operation.getRequestBody().getContent().containsKey(OCTET_STREAM);
  }

  /** {id: "12"} for template /api/cases/{id} and path /api/cases/12. */
  private static Map<String, RequestParameter> pathParameters(String template, String path) {
    String[] names = template.split("/");
    String[] values = path.split("/");
    Map<String, RequestParameter> out = new HashMap<>();
    for (int i = 0; i < names.length && i < values.length; i++) {
      if (names[i].startsWith("{") && names[i].endsWith("}")) {
        out.put(names[i].substring(1, names[i].length() - 1), new RequestParameterImpl(values[i]));
      }
    }
    return out;
  }
}
