package jp.kurashi.core.bus;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.domain.CaseEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to this instance's listeners over the local Vert.x event bus. */
final class LocalDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(LocalDelivery.class);
  static final String ADDRESS = "kurashi.case-events";

  private final Vertx vertx;

  LocalDelivery(Vertx vertx) {
    this.vertx = vertx;
  }

  void deliver(JsonObject event) {
    vertx.eventBus().publish(ADDRESS, event);
  }

  CaseEvents.Subscription subscribe(Handler<CaseEvent> listener) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().localConsumer(ADDRESS, msg -> {
      CaseEvent event;
      try {
        event = CaseEvent.fromJson(msg.body());
      } catch (IllegalArgumentException e) {
        LOG.atWarn().log("dropped a malformed case event");
        return;
      }
      listener.handle(event);
    });
    return consumer::unregister;
  }
}
