package jp.kurashi.console;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Reads every API request's body (up to 256 KiB) before it is validated, except a triage model upload: that one is
 * held back until the session is checked ({@link TriageModelApi#uploadBody}).
 */
final class RequestBodies implements Handler<RoutingContext> {

  private static final int BODY_LIMIT_BYTES = 256 * 1024;
  /** How long the unread rest of a refused model upload is read and thrown away before the connection closes. */
  private static final long REFUSED_UPLOAD_DRAIN_MS = 3_000;

  private final Vertx vertx;
  private final BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);

  RequestBodies(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!TriageModelApi.isUpload(ctx)) {
      body.handle(ctx);
      return;
    }
    // A model upload is read only after the session check: held back until then. Refused before being read,
    // the rest of the body is discarded for at most a few seconds and the connection closed: closing at once,
    // with the client's bytes still unread, makes TCP reset the connection and the client may lose the answer.
    ctx.request().pause();
    ctx.addHeadersEndHandler(v -> {
      if (!ctx.request().isEnded()) {
        ctx.response().putHeader("Connection", "close");
      }
    });
    ctx.addEndHandler(done -> {
      if (!ctx.request().isEnded()) {
        long timer = vertx.setTimer(REFUSED_UPLOAD_DRAIN_MS, t -> ctx.request().connection().close());
        ctx.request().handler(ignored -> { });
        ctx.request().endHandler(end -> {
          vertx.cancelTimer(timer);
          ctx.request().connection().close();
        });
        ctx.request().resume();
      }
    });
    ctx.next();
  }
}
