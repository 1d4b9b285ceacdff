package jp.kurashi.connectors.webchat;

import java.security.SecureRandom;
import java.text.Normalizer;

/**
 * A chat's resume code: 16 characters of Crockford's base32 (80 random bits), shown as {@code ABCD-EFGH-JKMN-PQRS},
 * read back however a resident types it on a phone: full width, lower case, spaces or dashes anywhere, O for 0 and I
 * or L for 1 (the alphabet has none of those letters, so nothing is misread).
 */
final class ResumeCodes {

  private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  private static final int LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private ResumeCodes() {
  }

  /** A new code, grouped by four for reading aloud and writing down. */
  static String newCode() {
    StringBuilder code = new StringBuilder(LENGTH + 3);
    for (int i = 0; i < LENGTH; i++) {
      if (i > 0 && i % 4 == 0) {
        code.append('-');
      }
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** The code as typed, in the one form its hash is taken of; {@code null} when it cannot be a code. */
  static String normalise(String typed) {
    if (typed == null || typed.length() > 100) {
      return null;
    }
    String folded = Normalizer.normalize(typed, Normalizer.Form.NFKC).toUpperCase(java.util.Locale.ROOT);
    StringBuilder code = new StringBuilder(LENGTH);
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      if (separator(c)) {
        continue;
      }
      char read = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
      if (ALPHABET.indexOf(read) < 0 || code.length() == LENGTH) {
        return null;
      }
      code.append(read);
    }
    return code.length() == LENGTH ? code.toString() : null;
  }

  /**
   * Spaces, line breaks, dashes of every kind (a Japanese input method turns - into ー, ―, − or ‐), middle dots and
   * invisible format characters (a code pasted from a note or a message may carry any of them).
   */
  private static boolean separator(char c) {
    int type = Character.getType(c);
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || type == Character.DASH_PUNCTUATION
        || type == Character.FORMAT || c == '\u30FC' || c == '\u2212' || c == '\u30FB' || c == '\u00B7'
        || c == '_' || c == '.';
  }
}
