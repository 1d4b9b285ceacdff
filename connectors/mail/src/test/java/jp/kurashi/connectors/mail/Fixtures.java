package jp.kurashi.connectors.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Raw mails under src/test/resources/mails, written as the real mailers write them. */
final class Fixtures {

  private Fixtures() {
  }

  static byte[] raw(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/mails/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plain ASCII mail as a mailer writes it; {@code threading} holds extra header lines (each ending in CRLF). */
  static byte[] plain(String from, String messageId, String subject, String threading, String text) {
    return ("Date: Thu, 26 Nov 2026 12:00:00 +0900\r\nFrom: " + from + "\r\nTo: desk@kurashi.example\r\n"
        + "Subject: " + subject + "\r\nMessage-ID: " + messageId + "\r\n" + threading
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + text + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A delivery status report (RFC 3464) from {@code from}, with its own {@code messageId}, saying the desk's mail
   * {@code originalId} did not reach {@code recipient}.
   */
  static byte[] deliveryReport(String from, String messageId, String recipient, String originalId) {
    return """
        Date: Thu, 26 Nov 2026 12:40:00 +0900\r
        From: %s\r
        To: desk@kurashi.example\r
        Subject: Undelivered Mail Returned to Sender\r
        Message-ID: %s\r
        MIME-Version: 1.0\r
        Content-Type: multipart/report; report-type=delivery-status; boundary="r1"\r
        \r
        --r1\r
        Content-Type: text/plain; charset=us-ascii\r
        \r
        not delivered\r
        --r1\r
        Content-Type: message/delivery-status\r
        \r
        Reporting-MTA: dns; mx.example.org\r
        \r
        Final-Recipient: rfc822; %s\r
        Action: failed\r
        Status: 5.1.1\r
        \r
        --r1\r
        Content-Type: text/rfc822-headers\r
        \r
        From: desk@kurashi.example\r
        Message-ID: %s\r
        \r
        --r1--\r
        """.formatted(from, messageId, recipient, originalId).getBytes(StandardCharsets.US_ASCII);
  }

  /** The fixture with {@code {{KEY}}} placeholders filled in (ASCII headers only). */
  static byte[] raw(String name, String key, String value) {
    String text = new String(raw(name), StandardCharsets.ISO_8859_1).replace("{{" + key + "}}", value);
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
