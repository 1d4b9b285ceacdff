package jp.kurashi.core.pipeline;

import jp.kurashi.core.domain.InboundMessage;

import java.text.Normalizer;
import java.util.Objects;

/**
 * Makes inbound text safe to store without changing what the resident wrote:
 * NUL and other control characters PostgreSQL or a console cannot show are dropped,
 * line breaks unified, and the text put in Unicode NFC (so が typed two ways is one string).
 * Names and subjects get the same treatment, on one line and of a bounded length.
 */
public final class InboundText {

  /** Longest display name kept, in code points; a longer one is cut (no mailer or app sends one). */
  public static final int MAX_NAME_LENGTH = 200;
  /** Longest subject kept, in code points (a mail header line is at most 998 characters). */
  public static final int MAX_SUBJECT_LENGTH = 998;

  private InboundText() {
  }

  static InboundMessage normalise(InboundMessage m) {
    String text = clean(m.text());
    String name = oneLine(m.contactName(), MAX_NAME_LENGTH);
    String subject = oneLine(m.subject(), MAX_SUBJECT_LENGTH);
    if (text.equals(m.text()) && Objects.equals(name, m.contactName()) && Objects.equals(subject, m.subject())) {
      return m;
    }
    return m.withText(text, name, subject);
  }

  /** The text without NUL and control characters (newline and tab kept), line breaks as {@code \n}, in NFC. */
  public static String clean(String s) {
    String unified = s.replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder out = new StringBuilder(unified.length());
    unified.codePoints().forEach(cp -> {
      if (cp == '\n' || cp == '\t' || !(Character.isISOControl(cp) || cp == 0xFFFE || cp == 0xFFFF)) {
        out.appendCodePoint(cp);
      }
    });
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }

  /** {@link #clean} on one line, cut to {@code maxCodePoints}; {@code null} when nothing is left. */
  public static String oneLine(String s, int maxCodePoints) {
    if (s == null) {
      return null;
    }
    String line = clean(s).replaceAll("[\\n\\t]+", " ").strip();
    if (line.codePointCount(0, line.length()) > maxCodePoints) {
      line = line.substring(0, line.offsetByCodePoints(0, maxCodePoints)).strip();
    }
    return line.isEmpty() ? null : line;
  }
}
