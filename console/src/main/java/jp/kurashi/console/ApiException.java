package jp.kurashi.console;

/**
 * A refusal the API answers with a status code and a stable error code for the console to show.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  public static ApiException badRequest(String code, String message) {
    return new ApiException(400, code, message);
  }

  public static ApiException unauthorized() {
    return new ApiException(401, "unauthenticated", "ログインしてください / Please log in");
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
}
