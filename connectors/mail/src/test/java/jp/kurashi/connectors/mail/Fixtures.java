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

  /** The fixture with {@code {{KEY}}} placeholders filled in (ASCII headers only). */
  static byte[] raw(String name, String key, String value) {
    String text = new String(raw(name), StandardCharsets.ISO_8859_1).replace("{{" + key + "}}", value);
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
