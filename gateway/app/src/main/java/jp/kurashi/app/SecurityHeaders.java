package jp.kurashi.app;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.security.ClientAddress;

/**
 * Headers every answer carries: a Content-Security-Policy without inline script (so an injected
 * {@code <script>} or {@code onclick} does not run), framing refused ({@code frame-ancestors 'none'}; a channel's
 * page the ward's own sites may frame lifts it for itself, see {@link jp.kurashi.core.security.Framing});
 * {@code nosniff}; no Referer (a case URL never leaks to another site); HSTS on a TLS connection, directly or per
 * {@code X-Forwarded-Proto: https} from one of {@code TRUSTED_PROXIES} (anyone else could send that header).
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  /** Styles may be inline: the widget and Chart.js set style attributes; scripts may not. */
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors ";
  private static final String HSTS = "max-age=31536000; includeSubDomains";

  private final ClientAddress clientAddress;

  SecurityHeaders(ClientAddress clientAddress) {
    this.clientAddress = clientAddress;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var headers = ctx.response().headers();
    headers.set("Content-Security-Policy", POLICY + "'none'");
    headers.set("X-Frame-Options", "DENY"); // for browsers older than frame-ancestors
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    if (clientAddress.secure(ctx.request())) {
      headers.set("Strict-Transport-Security", HSTS);
    }
    ctx.next();
  }
}
