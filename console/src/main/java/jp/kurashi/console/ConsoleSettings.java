package jp.kurashi.console;

import jp.kurashi.core.domain.Role;

import java.time.Duration;
import java.util.Set;

/**
 * Staff API settings.
 *
 * @param sessionTtl      how long a login lasts
 * @param secureCookie    {@code always}, {@code never}, or {@code auto}: Secure when the request came over TLS
 *                        (directly or per {@code X-Forwarded-Proto} from the load balancer)
 * @param maxReplyLength  longest reply text staff may send, in characters
 * @param loginMaxPerMinute login requests one client address may make per minute (across instances when the limits are shared through Redis)
 * @param requireTotpRoles roles that must use a second factor: such an account without one may only enrol
 *                        it (after a forced password change) before doing anything else
 */
public record ConsoleSettings(Duration sessionTtl, String secureCookie, int maxReplyLength, int loginMaxPerMinute,
                              Set<Role> requireTotpRoles) {

  /** No role required to use a second factor. */
  public ConsoleSettings(Duration sessionTtl, String secureCookie, int maxReplyLength, int loginMaxPerMinute) {
    this(sessionTtl, secureCookie, maxReplyLength, loginMaxPerMinute, Set.of());
  }

  public ConsoleSettings {
    requireTotpRoles = Set.copyOf(requireTotpRoles);
    if (!secureCookie.equals("always") && !secureCookie.equals("never") && !secureCookie.equals("auto")) {
      throw new IllegalArgumentException("secureCookie must be always, never or auto");
    }
  }
}
