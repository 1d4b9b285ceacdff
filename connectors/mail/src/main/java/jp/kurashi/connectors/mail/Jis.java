package jp.kurashi.connectors.mail;

import java.nio.charset.Charset;

/**
 * Mail text in ISO-2022-JP ({@code MAIL_CHARSET=ISO-2022-JP}), as old Japanese phones read it. Bodies are written with
 * Microsoft's table (①, ㈱, 髙 and ～ as FULLWIDTH TILDE), after the characters Unicode has twice are mapped to the ones
 * that table has (〜 WAVE DASH, the − minus and the — dash of the shipped texts would otherwise be "?"). A text with a
 * character neither can carry (Vietnamese letters, Korean, emoji) is not sent in ISO-2022-JP at all, but in UTF-8.
 */
final class Jis {

  /** A line of a 7bit body longer than this may be cut by a relay (RFC 5322 allows 998 octets). */
  static final int LONGEST_7BIT_LINE = 900;

  private static final Charset WINDOWS_ISO2022JP = Charset.forName("x-windows-iso2022jp");
  private static final Charset ISO2022JP = Charset.forName("ISO-2022-JP");

  private Jis() {
  }

  /** Whether {@code text} can go as an ISO-2022-JP body without a character lost. */
  static boolean canSend(String text) {
    return WINDOWS_ISO2022JP.newEncoder().canEncode(forTable(text));
  }

  /**
   * Whether {@code text} can go in an ISO-2022-JP header: Jakarta Mail encodes headers with the JDK's strict table,
   * which has no ①, ㈱ or ～ (FULLWIDTH TILDE).
   */
  static boolean canSendInHeader(String text) {
    return ISO2022JP.newEncoder().canEncode(text);
  }

  /** {@code text} as the bytes of an ISO-2022-JP body, CRLF line ends. */
  static byte[] body(String text) {
    return forTable(text).replace("\r\n", "\n").replace("\n", "\r\n").getBytes(WINDOWS_ISO2022JP);
  }

  /** The longest line of {@code body}, in octets. */
  static int longestLine(byte[] body) {
    int longest = 0;
    int current = 0;
    for (byte b : body) {
      if (b == '\n' || b == '\r') {
        current = 0;
      } else {
        longest = Math.max(longest, ++current);
      }
    }
    return longest;
  }

  /** The characters Microsoft's table writes for those Unicode has twice (JIS X 0208's 〜 − — ‖ ¢ £ ¬). */
  private static String forTable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(switch (c) {
      case 0x301C -> 0xFF5E; // 〜 WAVE DASH → ～
      case 0x2212 -> 0xFF0D; // − MINUS SIGN → －
      case 0x2014 -> 0x2015; // — EM DASH → ―
      case 0x2016 -> 0x2225; // ‖ → ∥
      case 0x00A2 -> 0xFFE0; // ¢
      case 0x00A3 -> 0xFFE1; // £
      case 0x00AC -> 0xFFE2; // ¬
      default -> c;
    }));
    return out.toString();
  }
}
