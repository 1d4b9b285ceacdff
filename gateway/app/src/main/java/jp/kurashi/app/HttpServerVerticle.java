package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.vertx.core.Vertx;

/**
 * Serves the gateway's routes on one port. Deployed once per event loop; a port already taken
 * fails the deployment. On undeploy it stops accepting and lets requests in flight finish.
 */
final class HttpServerVerticle extends VerticleBase {

  private final String host;
  private final int port;
  private final Function<Vertx, Router> routes;
  private final Duration grace;
  private HttpServer server;

  HttpServerVerticle(String host, int port, Function<Vertx, Router> routes, Duration grace) {
    this.host = host;
    this.port = port;
    this.routes = routes;
    this.grace = grace;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setCompressionSupported(true)
            // Above the chat's 16 KB frame limit, so an oversized frame gets an error frame, not a closed socket.
            .setMaxWebSocketFrameSize(64 * 1024)
            .setMaxWebSocketMessageSize(256 * 1024)
            // No WebSocket compression: Netty inflates a compressed frame with no limit on its output, before the
            // size checks above, so a 64 KB frame from anyone (the chat socket takes frames before its token) would
            // become tens of megabytes. Chat frames are small text; TLS or the proxy may still compress.
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false))
        .requestHandler(routes.apply(vertx));
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  int actualPort() {
    return server.actualPort();
  }
}
