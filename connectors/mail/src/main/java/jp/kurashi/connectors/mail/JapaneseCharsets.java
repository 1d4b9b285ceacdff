package jp.kurashi.connectors.mail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes mail text as Japanese mailers really write it. The ISO-2022-JP family and Shift_JIS are
 * read as their Microsoft supersets (x-windows-iso2022jp, windows-31j), which carry circled numbers
 * (①), ㈱, № and extension kanji such as 髙 and 﨑 that the plain decoders turn into U+FFFD; a part
 * labelled ISO-2022-JP that holds 8-bit bytes (really UTF-8, or Shift_JIS) is detected and read as such.
 */
final class JapaneseCharsets {

  private static final Charset WINDOWS_ISO2022JP = Charset.forName("x-windows-iso2022jp");
  private static final Charset WINDOWS_31J = Charset.forName("windows-31j");
  private static final Charset EUC_JP = Charset.forName("x-eucJP-Open");
  private static final Charset GB18030 = Charset.forName("GB18030");
  private static final Charset WINDOWS_949 = Charset.forName("x-windows-949");
  private static final Charset WINDOWS_950 = Charset.forName("x-windows-950");
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private JapaneseCharsets() {
  }

  /** The Java charset to read a MIME charset label with; unknown labels fall back to detection. */
  static Charset forLabel(String label) {
    if (label == null) {
      return null;
    }
    String l = label.trim().toLowerCase(Locale.ROOT).replace("\"", "");
    switch (l) {
      case "iso-2022-jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "csiso2022jp", "x-windows-iso2022jp",
           "iso-2022-jp-ms" -> {
        return WINDOWS_ISO2022JP;
      }
      case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932" -> {
        return WINDOWS_31J;
      }
      case "euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese" -> {
        return EUC_JP;
      }
      case "utf8" -> {
        return StandardCharsets.UTF_8;
      }
      // Labels whose plain tables lack characters the senders' systems write (王喆's 喆, 똠, 碁, €, curly quotes):
      // read as the supersets those systems really use, as browsers do.
      case "gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "csgb2312", "x-euc-cn" -> {
        return GB18030;
      }
      case "ks_c_5601-1987", "euc-kr", "ks_c_5601", "ksc5601", "ksc_5601", "korean", "cseuckr", "windows-949",
           "cp949" -> {
        return WINDOWS_949;
      }
      case "big5", "csbig5", "x-x-big5", "cp950", "windows-950" -> {
        return WINDOWS_950;
      }
      case "iso-8859-1", "latin1", "iso_8859-1", "l1", "cp819", "us-latin1" -> {
        return WINDOWS_1252;
      }
      default -> {
        try {
          return Charset.forName(l);
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
  }

  /** Decodes {@code bytes} labelled {@code label}, correcting labels that cannot be true. */
  static String decode(byte[] bytes, String label) {
    Charset declared = forLabel(label);
    if (declared == WINDOWS_ISO2022JP && hasHighBytes(bytes)) {
      // ISO-2022-JP is 7-bit: 8-bit bytes mean the label is wrong.
      return detect8bit(bytes);
    }
    if (declared == null || declared.equals(StandardCharsets.US_ASCII)) {
      return hasHighBytes(bytes) ? detect8bit(bytes) : new String(bytes, WINDOWS_ISO2022JP);
    }
    if (declared.equals(StandardCharsets.UTF_8) && !validUtf8(bytes)) {
      // Shift_JIS under a UTF-8 label, or UTF-8 with one stray byte: whichever reading loses less.
      return leastDamaged(bytes);
    }
    return new String(bytes, declared);
  }

  /** UTF-8 if the bytes are valid UTF-8, else Shift_JIS (as windows-31j), unless that loses more than UTF-8 does. */
  static String detect8bit(byte[] bytes) {
    return validUtf8(bytes) ? new String(bytes, StandardCharsets.UTF_8) : leastDamaged(bytes);
  }

  /**
   * The reading of bytes that are not valid UTF-8. Mostly valid UTF-8 (under one in ten of its characters lost) is
   * UTF-8 with a few stray bytes: they cost those bytes, not the whole mail in mojibake (Shift_JIS reads most UTF-8
   * Japanese as valid kanji). Else EUC-JP when it reads as Japanese, and Shift_JIS does not; else the reading with the
   * fewest characters lost (U+FFFD) or made up (the private use area, where misread bytes land); ties go to Shift_JIS,
   * which is what such bytes mostly are in Japan.
   */
  private static String leastDamaged(byte[] bytes) {
    String utf8 = new String(bytes, StandardCharsets.UTF_8);
    long lost = damage(utf8);
    if (lost * 10 < utf8.chars().filter(c -> c > 0x7F).count()) {
      return utf8;
    }
    String sjis = new String(bytes, WINDOWS_31J);
    String eucJp = new String(bytes, EUC_JP);
    // EUC-JP read as Shift_JIS is half-width kana and stray kanji, without a single hiragana; Japanese has them in
    // every sentence (particles, endings). Shift_JIS read as EUC-JP has none either, so a tie stays Shift_JIS.
    if (damage(eucJp) == 0 && kana(eucJp) > kana(sjis)) {
      return eucJp;
    }
    return lost < damage(sjis) ? utf8 : sjis;
  }

  private static long kana(String text) {
    return text.chars().filter(c -> c >= 0x3041 && c <= 0x30FF).count();
  }

  private static long damage(String text) {
    return text.chars().filter(c -> c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF)).count();
  }

  private static boolean hasHighBytes(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
