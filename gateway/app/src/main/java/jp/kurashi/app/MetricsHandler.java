package jp.kurashi.app;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.security.SecretTokens;

import java.util.Optional;

/**
 * {@code GET /metrics} in the Prometheus text format. With {@code METRICS_TOKEN} set, only a request with
 * {@code Authorization: Bearer <token>} gets them; others get 401. The token is compared by its SHA-256 in
 * constant time (neither its characters nor its length show in the timing) and is never logged.
 */
final class MetricsHandler implements Handler<RoutingContext> {

  private static final String BEARER = "Bearer ";

  private final GatewayMetrics metrics;
  private final Optional<String> tokenHash;

  MetricsHandler(GatewayMetrics metrics, Optional<String> token) {
    this.metrics = metrics;
    this.tokenHash = token.map(SecretTokens::hash);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tokenHash.isPresent() && !authorised(ctx.request().getHeader("Authorization"))) {
      ctx.response().setStatusCode(401)
          .putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"")
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end("401 Unauthorized: METRICS_TOKEN is set; send Authorization: Bearer <token>\n");
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(metrics.render());
  }

  private boolean authorised(String header) {
    if (header == null || header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return SecretTokens.same(SecretTokens.hash(header.substring(BEARER.length()).trim()), tokenHash.get());
  }
}
