package jp.kurashi.core.bus;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import jp.kurashi.core.domain.CaseEvent;

/** Case events within one process. */
final class LocalCaseEvents implements CaseEvents {

  private final LocalDelivery local;

  LocalCaseEvents(Vertx vertx) {
    this.local = new LocalDelivery(vertx);
  }

  @Override
  public Future<Void> publish(CaseEvent event) {
    local.deliver(event);
    return Future.succeededFuture();
  }

  @Override
  public Subscription subscribe(Handler<CaseEvent> listener) {
    return local.subscribe(listener);
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
