package jp.kurashi.connectors.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 2047 encoded words in headers ({@code =?ISO-2022-JP?B?...?=}), decoded with
 * {@link JapaneseCharsets}. Adjacent encoded words of one charset are joined as bytes before
 * decoding, because mailers split a multi-byte character, or an ISO-2022-JP escape sequence,
 * across words when they fold a long subject over several lines.
 */
final class EncodedWords {

  private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");
  private static final Pattern FOLD = Pattern.compile("\\r?\\n[ \\t]");

  private EncodedWords() {
  }

  /** The header value as text; raw 8-bit header bytes (read as ISO-8859-1) are detected too. */
  static String decode(String raw) {
    if (raw == null) {
      return null;
    }
    String unfolded = FOLD.matcher(raw).replaceAll(" ");
    StringBuilder out = new StringBuilder();
    Matcher m = WORD.matcher(unfolded);
    int last = 0;
    String pendingCharset = null;
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    while (m.find()) {
      String between = unfolded.substring(last, m.start());
      boolean adjacent = between.isBlank() && pendingCharset != null;
      if (!adjacent) {
        flush(out, pending, pendingCharset);
        pendingCharset = null;
        out.append(raw8bit(between));
      }
      String charset = m.group(1).replaceFirst("\\*.*$", "");
      if (pendingCharset != null && !pendingCharset.equalsIgnoreCase(charset)) {
        flush(out, pending, pendingCharset);
      }
      pendingCharset = charset;
      byte[] bytes = "B".equalsIgnoreCase(m.group(2)) ? base64(m.group(3)) : quoted(m.group(3));
      pending.writeBytes(bytes);
      last = m.end();
    }
    flush(out, pending, pendingCharset);
    out.append(raw8bit(unfolded.substring(last)));
    return out.toString().strip();
  }

  private static void flush(StringBuilder out, ByteArrayOutputStream pending, String charset) {
    if (pending.size() > 0) {
      out.append(JapaneseCharsets.decode(pending.toByteArray(), charset));
      pending.reset();
    }
  }

  /** Headers that carry raw 8-bit text (no encoded words) arrive as ISO-8859-1 chars. */
  private static String raw8bit(String s) {
    boolean high = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xFF) {
        return s;
      }
      high |= c >= 0x80;
    }
    return high ? JapaneseCharsets.detect8bit(s.getBytes(StandardCharsets.ISO_8859_1)) : s;
  }

  private static byte[] base64(String text) {
    try {
      return Base64.getMimeDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return text.getBytes(StandardCharsets.US_ASCII);
    }
  }

  private static byte[] quoted(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        out.write(' ');
      } else if (c == '=' && i + 2 < text.length()) {
        try {
          out.write(Integer.parseInt(text.substring(i + 1, i + 3).toUpperCase(Locale.ROOT), 16));
          i += 2;
        } catch (RuntimeException e) {
          out.write(c);
        }
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
