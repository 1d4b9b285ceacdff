package jp.kurashi.connectors.webchat;

import java.time.Duration;

/**
 * Limits of the resident web chat.
 *
 * @param maxTextLength     characters in one message
 * @param maxFrameBytes     bytes in one client frame; larger frames get an error frame
 * @param rateLimitMessages messages allowed per {@code rateWindow}
 * @param maxUploadBytes    bytes in one uploaded image
 * @param replayBatch       messages read per query when replaying a conversation
 */
public record WebchatSettings(int maxTextLength, int maxFrameBytes, int rateLimitMessages, Duration rateWindow,
                              int maxUploadBytes, int replayBatch) {

  /** The limits documented in docs/webchat-protocol.md. */
  public static WebchatSettings defaults() {
    return new WebchatSettings(4_000, 16 * 1024, 20, Duration.ofSeconds(10), 5 * 1024 * 1024, 200);
  }
}
