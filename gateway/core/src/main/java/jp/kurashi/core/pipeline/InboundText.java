package jp.kurashi.core.pipeline;

import jp.kurashi.core.domain.InboundMessage;

import java.text.Normalizer;

/**
 * Makes inbound text safe to store without changing what the resident wrote:
 * NUL and other control characters PostgreSQL or a console cannot show are dropped,
 * line breaks unified, and the text put in Unicode NFC (so が typed two ways is one string).
 */
final class InboundText {

  private InboundText() {
  }

  static InboundMessage normalise(InboundMessage m) {
    String text = clean(m.text());
    String name = m.contactName() == null ? null : clean(m.contactName()).strip();
    if (text.equals(m.text()) && java.util.Objects.equals(name, m.contactName())) {
      return m;
    }
    return m.withText(text, name == null || name.isEmpty() ? null : name);
  }

  static String clean(String s) {
    String unified = s.replace("\r\n", "\n").replace('\r', '\n');
    StringBuilder out = new StringBuilder(unified.length());
    unified.codePoints().forEach(cp -> {
      if (cp == '\n' || cp == '\t' || !(Character.isISOControl(cp) || cp == 0xFFFE || cp == 0xFFFF)) {
        out.appendCodePoint(cp);
      }
    });
    return Normalizer.normalize(out, Normalizer.Form.NFC);
  }
}
