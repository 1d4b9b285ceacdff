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

  /** The fixture with {@code {{KEY}}} placeholders filled in (ASCII headers only). */
  static byte[] raw(String name, String key, String value) {
    String text = new String(raw(name), StandardCharsets.ISO_8859_1).replace("{{" + key + "}}", value);
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
