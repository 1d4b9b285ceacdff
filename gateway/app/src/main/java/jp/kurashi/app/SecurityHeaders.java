package jp.kurashi.app;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.security.ClientAddress;

import java.util.List;

/**
 * Headers every answer carries: a Content-Security-Policy without inline script (so an injected
 * {@code <script>} or {@code onclick} does not run), framing refused ({@code frame-ancestors 'none'}) except
 * for the chat page, which the ward's own sites ({@code WEBCHAT_FRAME_ANCESTORS}) may frame;
 * {@code nosniff}; no Referer (a case URL never leaks to another site); HSTS on a TLS connection, directly or per
 * {@code X-Forwarded-Proto: https} from one of {@code TRUSTED_PROXIES} (anyone else could send that header).
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  /** Styles may be inline: the widget and Chart.js set style attributes; scripts may not. */
  private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      + "frame-ancestors ";
  private static final String HSTS = "max-age=31536000; includeSubDomains";

  private final String chatFrameAncestors;
  private final ClientAddress clientAddress;

  SecurityHeaders(List<String> chatFrameAncestors, ClientAddress clientAddress) {
    this.clientAddress = clientAddress;
    this.chatFrameAncestors = chatFrameAncestors.isEmpty() ? "'none'" : String.join(" ", chatFrameAncestors);
  }

  @Override
  public void handle(RoutingContext ctx) {
    boolean chatPage = chatPage(ctx.request().path());
    var headers = ctx.response().headers();
    headers.set("Content-Security-Policy", POLICY + (chatPage ? chatFrameAncestors : "'none'"));
    if (chatPage) {
      headers.remove("X-Frame-Options");
    } else {
      headers.set("X-Frame-Options", "DENY"); // for browsers older than frame-ancestors
    }
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    if (clientAddress.secure(ctx.request())) {
      headers.set("Strict-Transport-Security", HSTS);
    }
    ctx.next();
  }

  /** {@code /chat} is rerouted to the page's file, so both paths are the chat page. */
  private static boolean chatPage(String path) {
    return "/chat".equals(path) || "/webchat/chat.html".equals(path);
  }
}
