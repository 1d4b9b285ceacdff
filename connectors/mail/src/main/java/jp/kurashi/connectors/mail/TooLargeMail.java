package jp.kurashi.connectors.mail;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;

/**
 * What the desk stores of a mail larger than {@code MAIL_MAX_BYTES}: its own header (sender, subject, thread,
 * authentication results) and a note in place of its text and attachments, so the resident still gets a case and an
 * answer while the mail itself stays unread on the mail server for staff to open there. Only the header is read from
 * the server: the mail is never held in memory.
 */
final class TooLargeMail {

  /** The header fields that describe the original body, replaced by the note's. */
  private static final Set<String> BODY_FIELDS = Set.of("content-type", "content-transfer-encoding", "mime-version",
      "content-disposition", "content-id", "content-description", "content-md5", "content-language");

  private TooLargeMail() {
  }

  /** The stand-in for {@code mail}, {@code size} bytes on the server against the limit {@code maxBytes}. */
  static byte[] standIn(MimeMessage mail, long size, long maxBytes) throws MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    boolean hasId = false;
    Enumeration<String> lines = mail.getAllHeaderLines();
    while (lines.hasMoreElements()) {
      String line = lines.nextElement();
      header.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      hasId |= line.regionMatches(true, 0, "Message-ID:", 0, 11);
      int colon = line.indexOf(':');
      if (colon > 0 && BODY_FIELDS.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
        continue;
      }
      // Header bytes as the server sent them (an 8-bit header stays 8-bit for the parser to decode).
      out.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    if (!hasId) {
      // A mail without one is known by its bytes, and the note's bytes depend on the limit: an id from the header
      // alone keeps it the same mail if it is fetched again under another limit.
      out.writeBytes(("Message-ID: <too-large-" + sha256(header.toByteArray()) + "@kurashi.invalid>\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
    }
    out.writeBytes(("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\nX-Kurashi-Too-Large: " + size + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(note(size, maxBytes).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** What staff read in place of the mail's text. */
  static String note(long size, long maxBytes) {
    long mb = Math.max(1, Math.round(size / 1_048_576.0));
    long limit = Math.max(1, maxBytes / 1_048_576);
    return "[大きすぎるメール] このメールは約" + mb + "MBあり、上限(" + limit + "MB)を超えるため、本文と添付ファイルを"
        + "取り込めませんでした。メールサーバーに未読のまま残っていますので、メールソフトで直接確認してください。\r\n"
        + "[Too large] This mail is about " + mb + " MB, over the limit of " + limit + " MB: its text and attachments "
        + "were not taken in. It is left unread on the mail server; open it there.\r\n";
  }

  /** {@code out}, refusing to take more than {@code maxBytes}: the read of a mail stops there. */
  static java.io.OutputStream capped(java.io.OutputStream out, long maxBytes) {
    return new java.io.FilterOutputStream(out) {
      private long written;

      @Override
      public void write(int b) throws java.io.IOException {
        count(1);
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        count(len);
        out.write(b, off, len);
      }

      private void count(int len) throws OverLimitException {
        written += len;
        if (written > maxBytes) {
          throw new OverLimitException(written);
        }
      }
    };
  }

  /** A mail found larger than the limit while it was read (its reported size was missing or wrong). */
  static final class OverLimitException extends java.io.IOException {
    private final long seen;

    OverLimitException(long seen) {
      super("mail larger than MAIL_MAX_BYTES", null);
      this.seen = seen;
    }

    /** The bytes read when the limit was passed. */
    long seen() {
      return seen;
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
