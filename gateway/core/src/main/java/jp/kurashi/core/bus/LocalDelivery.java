package jp.kurashi.core.bus;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import jp.kurashi.core.domain.CaseEvent;

/**
 * Fans events out to this instance's listeners over the local Vert.x event bus. The event travels as the
 * record itself (immutable, so every listener may share it): writing it as JSON, copying it for each listener and
 * reading it back (dates parsed again) showed in the event loops' profile of every web chat message (BENCHMARKS.md).
 */
final class LocalDelivery {

  static final String ADDRESS = "kurashi.case-events";
  static final String MISSED_ADDRESS = "kurashi.case-events.missed";

  private final Vertx vertx;

  LocalDelivery(Vertx vertx) {
    this.vertx = vertx;
    try {
      vertx.eventBus().registerDefaultCodec(CaseEvent.class, new SameInstance());
    } catch (IllegalStateException alreadyRegistered) {
      // another CaseEvents on this Vert.x registered it: they share the address, and so the codec
    }
  }

  void deliver(CaseEvent event) {
    vertx.eventBus().publish(ADDRESS, event);
  }

  /** Tells this instance's listeners that events may have been missed. */
  void missed() {
    vertx.eventBus().publish(MISSED_ADDRESS, null);
  }

  CaseEvents.Subscription onMissed(Runnable listener) {
    MessageConsumer<Object> consumer = vertx.eventBus().localConsumer(MISSED_ADDRESS, msg -> listener.run());
    return consumer::unregister;
  }

  CaseEvents.Subscription subscribe(Handler<CaseEvent> listener) {
    MessageConsumer<CaseEvent> consumer = vertx.eventBus().localConsumer(ADDRESS, msg -> listener.handle(msg.body()));
    return consumer::unregister;
  }

  /** Hands the same record to every local listener; the wire form (never used: the address is local) is its JSON. */
  private static final class SameInstance implements MessageCodec<CaseEvent, CaseEvent> {

    @Override
    public void encodeToWire(Buffer buffer, CaseEvent event) {
      Buffer json = event.toJson().toBuffer();
      buffer.appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public CaseEvent decodeFromWire(int pos, Buffer buffer) {
      int length = buffer.getInt(pos);
      return CaseEvent.fromJson(buffer.getBuffer(pos + 4, pos + 4 + length).toJsonObject());
    }

    @Override
    public CaseEvent transform(CaseEvent event) {
      return event;
    }

    @Override
    public String name() {
      return "kurashi.case-event";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
