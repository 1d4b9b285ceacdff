package jp.kurashi.core.triage;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Folds Japanese text so different ways of writing the same words compare equal: NFKC (full-width
 * Latin and digits, half-width katakana), lower case, katakana to hiragana, long-vowel marks and
 * wave dashes dropped, small vowels used for stretching dropped, and runs of one character cut to one.
 */
final class TextFolding {

  private TextFolding() {
  }

  /** NFKC only: what the morphological analyser reads. */
  static String nfkc(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFKC);
  }

  static String fold(String text) {
    return foldNormalized(nfkc(text));
  }

  /** {@link #fold} for text already in NFKC (the analyser's tokens): skips the costly normalisation. */
  static String foldNormalized(String nfkcText) {
    String s = nfkcText.toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(s.length());
    int previous = -1;
    int run = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0x30A1 && cp <= 0x30F6) {
        cp -= 0x60;
      }
      if (cp == 'ー' || cp == '〜' || cp == '~' || cp == '～' || cp == '…' || cp == '・' || cp == '‐'
          || Character.isWhitespace(cp)) {
        continue;
      }
      if (cp == 'ぁ' || cp == 'ぃ' || cp == 'ぅ' || cp == 'ぇ' || cp == 'ぉ') {
        continue;
      }
      if (cp == previous) {
        run++;
        if (run >= 2) {
          continue;
        }
      } else {
        run = 0;
      }
      previous = cp;
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  /**
   * Drops accents (Vietnamese and Portuguese are often typed without them on a phone) but keeps the
   * Japanese voicing marks, so が stays が.
   */
  static String withoutAccents(String text) {
    String decomposed = Normalizer.normalize(text.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD);
    StringBuilder out = new StringBuilder(decomposed.length());
    for (int i = 0; i < decomposed.length(); i++) {
      char c = decomposed.charAt(i);
      if (Character.getType(c) != Character.NON_SPACING_MARK || c == '\u3099' || c == '\u309A') {
        out.append(c);
      }
    }
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }
}
