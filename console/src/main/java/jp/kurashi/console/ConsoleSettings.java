package jp.kurashi.console;

import java.time.Duration;

/**
 * Staff API settings.
 *
 * @param sessionTtl      how long a login lasts
 * @param secureCookie    {@code always}, {@code never}, or {@code auto}: Secure when the request came over TLS
 *                        (directly or per {@code X-Forwarded-Proto} from the load balancer)
 * @param maxReplyLength  longest reply text staff may send, in characters
 * @param loginMaxPerMinute login requests one client address may make per minute (across instances when the limits are shared through Redis)
 */
public record ConsoleSettings(Duration sessionTtl, String secureCookie, int maxReplyLength, int loginMaxPerMinute) {

  public ConsoleSettings {
    if (!secureCookie.equals("always") && !secureCookie.equals("never") && !secureCookie.equals("auto")) {
      throw new IllegalArgumentException("secureCookie must be always, never or auto");
    }
  }
}
