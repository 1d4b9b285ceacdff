package jp.kurashi.connectors.webchat;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.json.JsonCodec;
import jp.kurashi.connectors.webchat.WebchatStore.ChatLine;

import java.util.Map;

/** The server frames of the web chat protocol (docs/webchat-protocol.md), and the reading of the client's. */
final class Frames {

  /**
   * Jackson's streaming parser and generator, not the object mapper {@code JsonObject} would use: frames are flat
   * objects of strings and numbers, and every message reads one and writes one or two. The mapper's per-call
   * serializer lookups showed in the event loops' profile of every web chat message (docs/BENCHMARKS.md).
   */
  private static final JsonCodec JSON = new JacksonCodec();

  /** Close code of a socket whose token is missing, unknown, expired or revoked (4000-4999: the application's). */
  static final short CLOSE_UNAUTHORIZED = 4401;
  /** Close code of a socket over its token's limit of open sockets (429's counterpart, as 4401 is 401's). */
  static final short CLOSE_TOO_MANY = 4429;

  private Frames() {
  }

  /** A client frame as a JSON object; anything else (malformed, an array, a number) is a {@link DecodeException}. */
  @SuppressWarnings("unchecked")
  static JsonObject parse(String text) {
    Map<String, Object> map = JSON.fromString(text, Map.class);
    if (map == null) {
      throw new DecodeException("null is not a frame");
    }
    return new JsonObject(map);
  }

  static String ack(String clientId, long id) {
    return encode(new JsonObject().put("type", "ack").put("clientId", clientId).put("id", id));
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
    return encode(frame);
  }

  static String error(String code, String message, String clientId) {
    JsonObject frame = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (clientId != null) {
      frame.put("clientId", clientId);
    }
    return encode(frame);
  }

  /** A refused frame the client may send again after {@code retryAfterSeconds} (a quota, not a bad frame). */
  static String error(String code, String message, String clientId, long retryAfterSeconds) {
    return encode(parse(error(code, message, clientId)).put("retryAfter", retryAfterSeconds));
  }

  /** The token is no good any more because the chat was opened on another device with its resume code. */
  static String moved() {
    return encode(parse(error("unknown_token", "この会話は別の端末で開かれました / this chat was opened on another device",
        null)).put("reason", "moved"));
  }

  static String authenticated() {
    return encode(new JsonObject().put("type", "auth").put("ok", true));
  }

  static String typing() {
    return encode(new JsonObject().put("type", "typing"));
  }

  static String consent(String version) {
    return encode(new JsonObject().put("type", "consent").put("accepted", true).put("version", version));
  }

  private static String encode(JsonObject frame) {
    return JSON.toString(frame, false);
  }
}
