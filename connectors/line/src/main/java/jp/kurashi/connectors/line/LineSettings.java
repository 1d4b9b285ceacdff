package jp.kurashi.connectors.line;

import java.net.URI;
import java.time.Duration;

/**
 * The LINE channel's settings ({@code LINE_*}). The channel is off when no secret is set.
 *
 * @param channelSecret      verifies {@code X-Line-Signature}
 * @param accessToken        authorises calls to LINE's API
 * @param apiBaseUrl         {@code LINE_API_BASE_URL}, LINE's by default
 * @param dataApiBaseUrl     {@code LINE_DATA_API_BASE_URL} (media), LINE's by default
 * @param mediaMaxBytes      largest media file stored from a resident
 * @param quotaWarnPercent   warn staff when this share of the monthly push quota is used
 * @param quotaPollInterval  how often the quota is read
 * @param timeout            per call to LINE's API
 * @param webhooksInFlight   {@code LINE_WEBHOOKS_IN_FLIGHT}: deliveries read at once; more get 503 unread (LINE redelivers)
 * @param webhookReadTimeout {@code LINE_WEBHOOK_READ_SECONDS}: a delivery whose body is not in by then is cut off, so
 *                           a slow sender cannot hold one of those places (LINE sends its bodies at once)
 * @param mediaRetry         {@code LINE_MEDIA_RETRY_SECONDS}: how often media not yet stored are looked for, and the
 *                           first wait before a failed fetch is tried again (doubling from there, up to an hour)
 * @param mediaAttempts      {@code LINE_MEDIA_ATTEMPTS}: fetches of one media file before it is given up
 * @param mediaFetches       {@code LINE_MEDIA_FETCHES}: media files fetched at once right after their webhooks (each up
 *                           to {@code mediaMaxBytes} in memory); the rest wait their turn, or the next retry round
 */
public record LineSettings(String channelSecret, String accessToken, URI apiBaseUrl, URI dataApiBaseUrl,
                           int mediaMaxBytes, int quotaWarnPercent, Duration quotaPollInterval, Duration timeout,
                           int webhooksInFlight, Duration webhookReadTimeout, Duration mediaRetry, int mediaAttempts,
                           int mediaFetches) {

  public static final URI LINE_API = URI.create("https://api.line.me/");
  public static final URI LINE_DATA_API = URI.create("https://api-data.line.me/");

  /** LINE's reply tokens are valid for about a minute; use them only well within it. */
  public static final Duration REPLY_TOKEN_LIFETIME = Duration.ofSeconds(50);

  @Override
  public String toString() {
    return "LineSettings[apiBaseUrl=" + apiBaseUrl + ", dataApiBaseUrl=" + dataApiBaseUrl + "]";
  }
}
