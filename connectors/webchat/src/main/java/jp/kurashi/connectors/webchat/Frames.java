package jp.kurashi.connectors.webchat;

import io.vertx.core.json.JsonObject;
import jp.kurashi.connectors.webchat.WebchatStore.ChatLine;

/** The server frames of the web chat protocol (docs/webchat-protocol.md). */
final class Frames {

  /** Close code of a socket whose token is missing, unknown, expired or revoked (4000-4999: the application's). */
  static final short CLOSE_UNAUTHORIZED = 4401;

  private Frames() {
  }

  static String ack(String clientId, long id) {
    return new JsonObject().put("type", "ack").put("clientId", clientId).put("id", id).encode();
  }

  static String message(ChatLine line) {
    JsonObject frame = new JsonObject()
        .put("type", "message")
        .put("id", line.id())
        .put("from", line.from())
        .put("text", line.text())
        .put("at", line.at().toString());
    if (line.hasAttachment()) {
      frame.put("attachment", true);
    }
    return frame.encode();
  }

  static String error(String code, String message, String clientId) {
    JsonObject frame = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (clientId != null) {
      frame.put("clientId", clientId);
    }
    return frame.encode();
  }

  /** A refused frame the client may send again after {@code retryAfterSeconds} (a quota, not a bad frame). */
  static String error(String code, String message, String clientId, long retryAfterSeconds) {
    return new JsonObject(error(code, message, clientId)).put("retryAfter", retryAfterSeconds).encode();
  }

  static String authenticated() {
    return new JsonObject().put("type", "auth").put("ok", true).encode();
  }

  static String typing() {
    return new JsonObject().put("type", "typing").encode();
  }

  static String consent(String version) {
    return new JsonObject().put("type", "consent").put("accepted", true).put("version", version).encode();
  }
}
