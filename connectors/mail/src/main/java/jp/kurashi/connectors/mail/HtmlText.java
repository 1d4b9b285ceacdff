package jp.kurashi.connectors.mail;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.NodeVisitor;

import java.util.Set;

/**
 * Turns an HTML mail into plain text for staff: scripts, styles and markup go, line structure
 * (paragraphs, line breaks, list items, table rows) stays. Nothing of the HTML is ever rendered.
 */
final class HtmlText {

  private static final Set<String> BLOCKS = Set.of("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "blockquote", "pre", "table", "ul", "ol", "section", "article", "header", "footer", "hr");

  private HtmlText() {
  }

  static String toText(String html) {
    Document doc = Jsoup.parse(html);
    doc.select("script, style, head, title, noscript, template").remove();
    // What a mailer hides is not what the writer shows (a newsletter's preheader, a tracking block).
    doc.select("[hidden], [style~=(?i)display\\s*:\\s*none]").remove();
    StringBuilder out = new StringBuilder();
    NodeTraversor.traverse(new NodeVisitor() {
      /** How many {@code <pre>} the traversal is inside. */
      private int pre;

      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode t) {
          // Inside <pre> the line breaks are the writer's (a pasted notice, an aligned list); elsewhere layout.
          out.append(pre > 0 ? t.getWholeText().replace("\r\n", "\n").replace('\r', '\n')
              : t.getWholeText().replaceAll("[ \\t\\r\\n]+", " "));
        } else if (node instanceof Element e) {
          if (preformatted(e)) {
            pre++;
          }
          if (e.normalName().equals("br")) {
            out.append('\n');
          } else if (BLOCKS.contains(e.normalName())) {
            newline(out);
          } else if (e.normalName().equals("td") || e.normalName().equals("th")) {
            out.append('\t');
          }
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element e && preformatted(e)) {
          pre--;
        }
        if (node instanceof Element e && BLOCKS.contains(e.normalName())) {
          newline(out);
        }
      }
    }, doc.body() == null ? doc : doc.body());
    return withoutTrailingBlanks(out).replaceAll("\\n{3,}", "\n\n").strip();
  }

  /**
   * Each line without the spaces and tabs at its end, in one pass: the pattern {@code [ \t]+\n} took quadratic time
   * on a long run of tabs without a newline, which a table of empty cells makes.
   */
  private static String withoutTrailingBlanks(CharSequence text) {
    StringBuilder out = new StringBuilder(text.length());
    int blanks = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t') {
        blanks++;
        continue;
      }
      if (c != '\n') {
        out.append(text, i - blanks, i);
      }
      blanks = 0;
      out.append(c);
    }
    return out.append(text, text.length() - blanks, text.length()).toString();
  }

  private static boolean preformatted(Element e) {
    return e.normalName().equals("pre") || e.normalName().equals("textarea");
  }

  private static void newline(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
      out.append('\n');
    }
  }
}
