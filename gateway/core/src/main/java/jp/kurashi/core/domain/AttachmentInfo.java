package jp.kurashi.core.domain;

/**
 * An attachment as listed for staff, without its bytes.
 */
public record AttachmentInfo(long id, long messageId, String contentType, String fileName, int sizeBytes) {
}
