package jp.kurashi.connectors.line;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Webhook event bodies as LINE sends them (Messaging API reference, webhook event objects). */
final class LineEvents {

  private LineEvents() {
  }

  static JsonObject callback(JsonObject... events) {
    return new JsonObject().put("destination", "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").put("events", new JsonArray(java.util.List.of((Object[]) events)));
  }

  private static JsonObject base(String type, String eventId, String userId, boolean redelivery) {
    return new JsonObject()
        .put("type", type)
        .put("mode", "active")
        .put("timestamp", System.currentTimeMillis())
        .put("source", new JsonObject().put("type", "user").put("userId", userId))
        .put("webhookEventId", eventId)
        .put("deliveryContext", new JsonObject().put("isRedelivery", redelivery));
  }

  /** {@code event} as sent from group chat {@code groupId} (or, with {@code room}, a multi-person chat). */
  static JsonObject inShared(JsonObject event, String chatId, boolean room) {
    JsonObject source = new JsonObject().put("type", room ? "room" : "group").put(room ? "roomId" : "groupId", chatId);
    String userId = event.getJsonObject("source").getString("userId");
    if (userId != null) {
      source.put("userId", userId);
    }
    return event.copy().put("source", source);
  }

  /** The desk's account gone from group chat {@code groupId} (LINE sends it after a leave call too). */
  static JsonObject leave(String eventId, String groupId) {
    return base("leave", eventId, null, false)
        .put("source", new JsonObject().put("type", "group").put("groupId", groupId));
  }

  /** The desk's account invited to group chat {@code groupId}. */
  static JsonObject join(String eventId, String groupId) {
    return base("join", eventId, null, false).put("replyToken", "reply-" + eventId)
        .put("source", new JsonObject().put("type", "group").put("groupId", groupId));
  }

  static JsonObject text(String eventId, String userId, String text) {
    return text(eventId, userId, text, false);
  }

  static JsonObject text(String eventId, String userId, String text, boolean redelivery) {
    return base("message", eventId, userId, redelivery)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "m" + eventId).put("type", "text").put("text", text)
            .put("quoteToken", "qt-" + eventId));
  }

  static JsonObject image(String eventId, String userId) {
    return base("message", eventId, userId, false)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "img" + eventId).put("type", "image")
            .put("contentProvider", new JsonObject().put("type", "line")).put("quoteToken", "qt"));
  }

  static JsonObject video(String eventId, String userId) {
    return base("message", eventId, userId, false)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "vid" + eventId).put("type", "video").put("duration", 8000)
            .put("contentProvider", new JsonObject().put("type", "line")).put("quoteToken", "qt"));
  }

  static JsonObject file(String eventId, String userId, String fileName) {
    return base("message", eventId, userId, false)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "file" + eventId).put("type", "file").put("fileName", fileName)
            .put("fileSize", 2048));
  }

  static JsonObject sticker(String eventId, String userId) {
    return base("message", eventId, userId, false)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "s" + eventId).put("type", "sticker").put("packageId", "446")
            .put("stickerId", "1988").put("stickerResourceType", "STATIC")
            .put("keywords", new JsonArray().add("お願い").add("困った")).put("quoteToken", "qt"));
  }

  /** A message sticker: a sticker the resident typed {@code text} onto. */
  static JsonObject messageSticker(String eventId, String userId, String text) {
    JsonObject event = sticker(eventId, userId);
    event.getJsonObject("message").put("stickerResourceType", "MESSAGE").put("text", text);
    return event;
  }

  /** An image sent from a LIFF app: it stays at {@code url}, and LINE's content API has nothing for it. */
  static JsonObject externalImage(String eventId, String userId, String url) {
    JsonObject event = image(eventId, userId);
    event.getJsonObject("message").put("contentProvider", new JsonObject().put("type", "external")
        .put("originalContentUrl", url).put("previewImageUrl", url));
    return event;
  }

  /** {@code event} as LINE sends it while another channel of the account is active. */
  static JsonObject standby(JsonObject event) {
    JsonObject copy = event.copy().put("mode", "standby");
    copy.remove("replyToken");
    return copy;
  }

  static JsonObject location(String eventId, String userId) {
    return base("message", eventId, userId, false)
        .put("replyToken", "reply-" + eventId)
        .put("message", new JsonObject().put("id", "l" + eventId).put("type", "location").put("title", "北区役所")
            .put("address", "東京都北区王子本町1-15-22").put("latitude", 35.7528).put("longitude", 139.7336));
  }

  static JsonObject follow(String eventId, String userId) {
    return base("follow", eventId, userId, false).put("replyToken", "reply-" + eventId)
        .put("follow", new JsonObject().put("isUnblocked", false));
  }

  static JsonObject unfollow(String eventId, String userId) {
    return base("unfollow", eventId, userId, false);
  }

  static JsonObject postback(String eventId, String userId, String data) {
    return base("postback", eventId, userId, false).put("replyToken", "reply-" + eventId)
        .put("postback", new JsonObject().put("data", data));
  }

  /** The resident took back the message LINE knows as {@code messageId}. */
  static JsonObject unsend(String eventId, String userId, String messageId) {
    return base("unsend", eventId, userId, false).put("unsend", new JsonObject().put("messageId", messageId));
  }

  static JsonObject beacon(String eventId, String userId) {
    return base("beacon", eventId, userId, false).put("replyToken", "reply-" + eventId)
        .put("beacon", new JsonObject().put("hwid", "d41d8cd98f").put("type", "enter"));
  }
}
