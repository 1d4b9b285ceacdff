package jp.kurashi.core.channel;

import io.vertx.core.json.JsonObject;

/**
 * Whether a channel can deliver, and why not, for {@code /health} and the console. A channel that
 * is down says so here instead of failing message by message in silence.
 *
 * @param details channel-specific figures (e.g. LINE's remaining push quota), never secrets
 */
public record ChannelHealth(boolean up, String reason, JsonObject details) {

  public static ChannelHealth ok() {
    return new ChannelHealth(true, null, new JsonObject());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("status", up ? "UP" : "DOWN");
    if (reason != null) {
      json.put("reason", reason);
    }
    if (!details.isEmpty()) {
      json.mergeIn(details);
    }
    return json;
  }
}
