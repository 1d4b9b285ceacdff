package jp.kurashi.core.limits;

/**
 * One counted event: allowed, or refused with the seconds until the key's window ends (the Retry-After).
 *
 * @param allowed           whether the event is within its quota
 * @param retryAfterSeconds seconds until the window ends; at least 1
 */
public record RateDecision(boolean allowed, long retryAfterSeconds) {
}
