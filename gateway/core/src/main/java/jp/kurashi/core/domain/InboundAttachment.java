package jp.kurashi.core.domain;

import java.util.Objects;

/**
 * A file that came with an inbound message (a photo from web chat, LINE media, a mail attachment).
 *
 * @param contentType checked by the connector (e.g. from magic bytes), not taken on trust
 * @param fileName    the sender's name for it, or {@code null}
 */
public record InboundAttachment(String contentType, String fileName, byte[] data) {

  public InboundAttachment {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(data, "data");
  }
}
