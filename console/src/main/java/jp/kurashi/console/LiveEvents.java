package jp.kurashi.console;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;

/**
 * {@code GET /api/events}: the office's case events as Server-Sent Events, so the queue and an open
 * case update without reload and a crisis raises its alert. Ids and types only, never text.
 *
 * <p>A stream lasts no longer than its session: at logout, idle or absolute expiry, or when the account is
 * deactivated, it gets {@code event: session-ended} and is closed ({@link OpenStreams}). A session holding its
 * maximum of streams gets 429 for one more rather than the oldest being closed: a closed EventSource
 * reconnects by itself, so two tabs would keep closing each other.
 */
final class LiveEvents {

  static final String PATH = "/api/events";
  private static final long HEARTBEAT_MS = 25_000;

  private final CaseEvents events;
  private final OpenStreams streams;
  private final int maxPerSession;

  LiveEvents(CaseEvents events, OpenStreams streams, int maxPerSession) {
    this.events = events;
    this.streams = streams;
    this.maxPerSession = maxPerSession;
  }

  void handle(RoutingContext ctx) {
    StaffSession session = StaffSession.of(ctx);
    HttpServerResponse response = ctx.response();
    OpenStreams.Stream stream = new OpenStreams.Stream(session.tokenHash(), ctx.vertx().getOrCreateContext(), response);
    if (!streams.add(stream)) {
      ctx.fail(new ApiException(429, "too_many_streams", "このログインで開いている画面が多すぎます。ほかのタブを閉じてください"
          + " / This login already has " + maxPerSession + " live update streams open; close another tab"));
      return;
    }
    response
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no")
        .setChunked(true);
    response.write(": connected\n\n");
    CaseEvents.Subscription subscription = events.subscribe(e -> {
      if (e.officeId() == session.staff().officeId() && e.forStaff()
          && !response.closed() && !response.ended()) {
        response.write("event: " + e.type() + "\ndata: " + data(e) + "\n\n");
      }
    });
    // Events of other instances may have been missed (the bus was down): the console reads what it shows again.
    CaseEvents.Subscription missed = events.onEventsMissed(() -> {
      if (!response.closed() && !response.ended()) {
        response.write("event: resync\ndata: {}\n\n");
      }
    });
    long heartbeat = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> {
      if (!response.closed() && !response.ended()) {
        response.write(": keep-alive\n\n");
      }
    });
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable cleanup = () -> {
      if (done.getAndSet(true)) {
        return;
      }
      ctx.vertx().cancelTimer(heartbeat);
      subscription.cancel();
      missed.cancel();
      streams.remove(stream);
    };
    // Closed by the browser (the connection goes) or ended here (the session ended): clean up either way.
    response.closeHandler(v -> cleanup.run());
    response.endHandler(v -> cleanup.run());
  }

  /** Ends the streams of this session on this instance now (logout); other instances end theirs at their next check. */
  void endSession(StaffSession session, String reason) {
    streams.endSession(session.tokenHash(), reason);
  }

  /** The event without the office (the stream is the office's) and the contact (no view needs it). */
  private static String data(CaseEvent e) {
    JsonObject json = e.toJson();
    json.remove("officeId");
    json.remove("contactId");
    return json.encode();
  }
}
