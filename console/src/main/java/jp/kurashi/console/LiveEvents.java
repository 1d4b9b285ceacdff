package jp.kurashi.console;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;

/**
 * {@code GET /api/events}: the office's case events as Server-Sent Events, so the queue and an open
 * case update without reload and a crisis raises its alert. Ids and types only, never text.
 */
final class LiveEvents {

  private static final long HEARTBEAT_MS = 25_000;

  private final CaseEvents events;

  LiveEvents(CaseEvents events) {
    this.events = events;
  }

  void handle(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    HttpServerResponse response = ctx.response()
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    response.write(": connected\n\n");
    CaseEvents.Subscription subscription = events.subscribe(e -> {
      if (e.officeId() == session.staff().officeId() && !response.closed()) {
        response.write("event: " + e.type() + "\ndata: " + data(e) + "\n\n");
      }
    });
    long heartbeat = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> {
      if (!response.closed()) {
        response.write(": keep-alive\n\n");
      }
    });
    response.closeHandler(v -> {
      ctx.vertx().cancelTimer(heartbeat);
      subscription.cancel();
    });
  }

  private static String data(CaseEvent e) {
    return new JsonObject().put("type", e.type()).put("caseId", e.caseId()).put("messageId", e.messageId())
        .put("channel", e.channel()).put("at", e.at().toString()).encode();
  }
}
