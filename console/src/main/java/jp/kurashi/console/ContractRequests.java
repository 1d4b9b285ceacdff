package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;

import java.util.Map;

/**
 * Hands a request, its body already read, to the contract's validator. A JSON body must say
 * {@code application/json} (415 otherwise: a text/plain or form body is what a cross-site form can send without a
 * preflight) and be an object; a file upload (the triage model) is validated as bytes whatever the client called it.
 */
final class ContractRequests implements RequestExtractor {

  private static final String JSON = "application/json";
  private static final String OCTET_STREAM = "application/octet-stream";

  @Override
  public Future<ValidatableRequest> extractValidatableRequest(RoutingContext ctx, Operation operation) {
    Buffer body = ctx.body() == null || ctx.body().length() == 0 ? null : ctx.body().buffer();
    String contentType = null;
    if (body != null && takesFile(operation)) {
      contentType = OCTET_STREAM;
    } else if (body != null) {
      if (!json(ctx.request().getHeader("Content-Type"))) {
        return Future.failedFuture(new ApiException(415, "unsupported_media_type", "request body must be application/json"));
      }
      if (!object(body)) {
        return Future.failedFuture(ApiException.badRequest("invalid_json", "request body must be a JSON object"));
      }
      contentType = JSON;
    }
    String type = contentType;
    try {
      return RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body))
          .map(extracted -> new Extracted(extracted, type));
    } catch (RuntimeException e) {
      // A parameter that cannot be URL-decoded: the validator's own exception, answered 400 like any invalid call.
      return Future.failedFuture(e);
    }
  }

  private static boolean json(String contentType) {
    return contentType != null && contentType.split(";", 2)[0].trim().equalsIgnoreCase(JSON);
  }

  private static boolean object(Buffer body) {
    try {
      new JsonObject(body);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean takesFile(Operation operation) {
    return operation.getRequestBody() != null && operation.getRequestBody().getContent().containsKey(OCTET_STREAM);
  }

  /** The extracted request with the content type it is validated as (parameters such as charset dropped). */
  private record Extracted(ValidatableRequest request, String contentType) implements ValidatableRequest {

    @Override
    public Map<String, RequestParameter> getCookies() {
      return request.getCookies();
    }

    @Override
    public Map<String, RequestParameter> getHeaders() {
      return request.getHeaders();
    }

    @Override
    public Map<String, RequestParameter> getPathParameters() {
      return request.getPathParameters();
    }

    @Override
    public Map<String, RequestParameter> getQuery() {
      return request.getQuery();
    }

    @Override
    public RequestParameter getBody() {
      return request.getBody();
    }

    @Override
    public String getContentType() {
      return contentType;
    }
  }
}
