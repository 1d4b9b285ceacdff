package jp.kurashi.connectors.webchat;

import jp.kurashi.core.limits.RateLimiter;
import jp.kurashi.core.security.ClientAddress;

/**
 * Per-address quotas of the resident web chat, so one address cannot flood the desk with chats, messages or
 * images. The limiters are shared by every gateway instance when Redis is configured; a socket's own burst limit
 * ({@link WebchatSettings#rateLimitMessages()}) still applies on top.
 *
 * @param addresses which address a request counts under ({@code TRUSTED_PROXIES} honoured)
 * @param sessions  {@code POST /webchat/sessions} ({@code WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS})
 * @param messages  message frames ({@code WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS})
 * @param uploads   {@code POST /webchat/uploads} ({@code WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS})
 */
public record WebchatQuotas(ClientAddress addresses, RateLimiter sessions, RateLimiter messages, RateLimiter uploads) {
}
