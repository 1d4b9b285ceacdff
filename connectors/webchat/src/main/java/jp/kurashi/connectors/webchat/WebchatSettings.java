package jp.kurashi.connectors.webchat;

import java.time.Duration;
import java.util.List;

/**
 * Limits of the resident web chat.
 *
 * @param maxTextLength     characters in one message
 * @param maxFrameBytes     bytes in one client frame; larger frames get an error frame
 * @param rateLimitMessages messages allowed per {@code rateWindow}
 * @param maxUploadBytes    bytes in one uploaded image
 * @param replayBatch       messages read per query when replaying a conversation
 * @param sessionIdle       a chat token not used for this long is refused ({@code WEBCHAT_SESSION_IDLE_DAYS}), so
 *                          a chat left on a shared PC does not open for the next person weeks later
 * @param authTimeout       how long a socket opened without a token may wait for its {@code auth} frame
 * @param frameAncestors    origins (the ward's own sites) that may frame the chat page ({@code WEBCHAT_FRAME_ANCESTORS});
 *                          empty means none may
 * @param maxSocketsPerSession sockets one chat token may hold open at once on this instance
 *                          ({@code WEBCHAT_MAX_SOCKETS_PER_SESSION}): a few tabs and devices, not a script's hundreds,
 *                          each of which costs a database read per message pushed
 * @param uploadTimeout     an upload whose body has not all arrived in this time is cut off ({@code WEBCHAT_UPLOAD_SECONDS}):
 *                          a stalled upload would otherwise hold what it sent (up to {@code maxUploadBytes}) for as long
 *                          as its sender keeps the connection open
 */
public record WebchatSettings(int maxTextLength, int maxFrameBytes, int rateLimitMessages, Duration rateWindow,
                              int maxUploadBytes, int replayBatch, Duration sessionIdle, Duration authTimeout,
                              List<String> frameAncestors, int maxSocketsPerSession, Duration uploadTimeout) {

  public WebchatSettings {
    frameAncestors = List.copyOf(frameAncestors);
  }

  /** The limits documented in docs/webchat-protocol.md. */
  public static WebchatSettings defaults() {
    return new WebchatSettings(4_000, 16 * 1024, 20, Duration.ofSeconds(10), 5 * 1024 * 1024, 200,
        Duration.ofDays(14), Duration.ofSeconds(10), List.of(), 8, Duration.ofSeconds(120));
  }

  public WebchatSettings withSessionIdle(Duration idle) {
    return new WebchatSettings(maxTextLength, maxFrameBytes, rateLimitMessages, rateWindow, maxUploadBytes, replayBatch,
        idle, authTimeout, frameAncestors, maxSocketsPerSession, uploadTimeout);
  }

  public WebchatSettings withFrameAncestors(List<String> origins) {
    return new WebchatSettings(maxTextLength, maxFrameBytes, rateLimitMessages, rateWindow, maxUploadBytes, replayBatch,
        sessionIdle, authTimeout, origins, maxSocketsPerSession, uploadTimeout);
  }

  public WebchatSettings withMaxSocketsPerSession(int max) {
    return new WebchatSettings(maxTextLength, maxFrameBytes, rateLimitMessages, rateWindow, maxUploadBytes, replayBatch,
        sessionIdle, authTimeout, frameAncestors, max, uploadTimeout);
  }

  public WebchatSettings withUploadTimeout(Duration timeout) {
    return new WebchatSettings(maxTextLength, maxFrameBytes, rateLimitMessages, rateWindow, maxUploadBytes, replayBatch,
        sessionIdle, authTimeout, frameAncestors, maxSocketsPerSession, timeout);
  }
}
