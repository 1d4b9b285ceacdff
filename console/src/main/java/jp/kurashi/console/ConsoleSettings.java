package jp.kurashi.console;

import jp.kurashi.core.domain.Role;

import java.time.Duration;
import java.util.Set;

/**
 * Staff API settings.
 *
 * @param sessionTtl      how long a login lasts at most
 * @param sessionIdle     a session unused this long ends (its event streams do not count as use)
 * @param secureCookie    {@code always}, {@code never}, or {@code auto}: Secure when the request came over TLS
 *                        (directly or per {@code X-Forwarded-Proto} from the load balancer)
 * @param maxReplyLength  longest reply text staff may send, in characters
 * @param loginMaxPerMinute login requests one client address may make per minute (across instances when the limits are shared through Redis)
 * @param maxStreamsPerSession event streams ({@code GET /api/events}) one session may hold open at once (per
 *                        gateway instance); one more is refused with 429
 * @param streamSessionCheck how often the open event streams' sessions are checked again, so a stream ends
 *                        soon after its session ends anywhere (logout on another instance, idle, deactivation)
 * @param requireTotpRoles roles that must use a second factor: such an account without one may only enrol
 *                        it (after a forced password change) before doing anything else
 */
public record ConsoleSettings(Duration sessionTtl, Duration sessionIdle, String secureCookie, int maxReplyLength,
                              int loginMaxPerMinute, int maxStreamsPerSession, Duration streamSessionCheck,
                              Set<Role> requireTotpRoles) {

  public ConsoleSettings {
    requireTotpRoles = Set.copyOf(requireTotpRoles);
    if (!secureCookie.equals("always") && !secureCookie.equals("never") && !secureCookie.equals("auto")) {
      throw new IllegalArgumentException("secureCookie must be always, never or auto");
    }
    if (maxStreamsPerSession < 1) {
      throw new IllegalArgumentException("maxStreamsPerSession must be at least 1");
    }
  }
}
