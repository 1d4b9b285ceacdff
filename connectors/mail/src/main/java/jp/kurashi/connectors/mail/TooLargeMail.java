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
    Enumeration<String> lines = mail.getAllHeaderLines();
    while (lines.hasMoreElements()) {
      String line = lines.nextElement();
      int colon = line.indexOf(':');
      if (colon > 0 && BODY_FIELDS.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
        continue;
      }
      // Header bytes as the server sent them (an 8-bit header stays 8-bit for the parser to decode).
      out.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
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
        + "取り込めませんでした。メールサーバーの受信箱に未読のまま残っていますので、メールソフトで直接確認してください。\r\n"
        + "[Too large] This mail is about " + mb + " MB, over the limit of " + limit + " MB: its text and attachments "
        + "were not taken in. It is left unread in the mail server's inbox; open it there.\r\n";
  }
}
