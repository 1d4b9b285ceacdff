package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.store.Database;

import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: 200 {@code {"status":"UP",...}} when the database answers (and Redis, when
 * configured), 503 {@code "DOWN"} otherwise, with one entry per check so operators see which.
 */
final class HealthHandler implements Handler<RoutingContext> {

  private static final long CHECK_TIMEOUT_MS = 2_000;

  private final Database database;
  private final CaseEvents bus;
  private final boolean redisConfigured;
  private final ChannelRegistry channels;
  private final BooleanSupplier databaseProcessUp;

  /**
   * @param databaseProcessUp false while the embedded server's process is down (always true for an
   *                          external server, whose process the gateway cannot see)
   */
  HealthHandler(Database database, CaseEvents bus, boolean redisConfigured, ChannelRegistry channels,
                BooleanSupplier databaseProcessUp) {
    this.databaseProcessUp = databaseProcessUp;
    this.database = database;
    this.bus = bus;
    this.redisConfigured = redisConfigured;
    this.channels = channels;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Future<Void> db = databaseProcessUp.getAsBoolean() ? database.ping(CHECK_TIMEOUT_MS)
        : Future.failedFuture("embedded database process is down");
    Future<Void> redis = redisConfigured ? bus.ping() : Future.succeededFuture();
    Future.join(db, redis).onComplete(ignored -> {
      JsonObject checks = new JsonObject().put("database", state(db));
      if (redisConfigured) {
        checks.put("redis", state(redis));
      }
      // A channel that is down is reported, but does not take the instance out of the load balancer:
      // the other channels and the console still work.
      JsonObject channelStates = new JsonObject();
      channels.byName().forEach((name, c) -> channelStates.put(name, c.health().toJson()));
      boolean up = db.succeeded() && redis.succeeded();
      ctx.response()
          .setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks)
              .put("channels", channelStates).encode());
    });
  }

  private static String state(Future<?> check) {
    return check.succeeded() ? "UP" : "DOWN";
  }
}
