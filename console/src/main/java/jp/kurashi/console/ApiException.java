package jp.kurashi.console;

import io.vertx.core.json.JsonObject;

/**
 * A refusal the API answers with a status code and a stable error code for the console to show.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final JsonObject details;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** With fields the error body carries beside {@code error} and {@code message} (e.g. the line of a bad rule). */
  public ApiException(int status, String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details == null ? new JsonObject() : details.copy();
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "unauthenticated", "ログインしてください / Please log in");
  }

  /** The cookie's session ended after SESSION_IDLE_MINUTES without activity. */
  public static ApiException sessionIdle() {
    return new ApiException(401, "session_idle",
        "一定時間操作がなかったため、ログアウトしました / You were logged out after a period of inactivity");
  }

  /** The cookie's session reached its absolute end (SESSION_TTL_MINUTES after login). */
  public static ApiException sessionExpired() {
    return new ApiException(401, "session_expired",
        "ログインの有効期限が切れました / Your login has expired; please log in again");
  }

  public static ApiException forbidden(String code, String message) {
    return new ApiException(403, code, message);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details.copy();
  }
}
