package jp.kurashi.core.pipeline;

import java.util.regex.Pattern;

/**
 * A mail reply without what it quotes: the lines a mailer marks with {@code >}, and everything from the header a
 * mailer puts above the quoted original (「-----Original Message-----」, "On … wrote:", 「… <desk@…>:」). What a
 * resident quotes is the desk's earlier mail (its hotline list, its safety message) or their own earlier words, both
 * triaged when they were first written; triaged again, every reply would raise the crisis its quote mentions.
 * Forwarded text (「転送メッセージ」, "Forwarded message") is kept: a relative forwarding someone's words is telling the
 * desk about them. So is Outlook's 「差出人: … 送信日時: …」 block, which looks the same above a forward as above a
 * reply (left whole: a missed crisis costs more than a second alarm). Headers are matched as mailers write them (a
 * date in "On … wrote:", 「さんは書きました」, an address): a resident's own 「母が手紙にこう書きました:」 is their
 * words, and so is what follows it.
 */
public final class QuotedReply {

  /** The header above a quoted original; nothing from there on is the resident's reply. */
  private static final Pattern ORIGINAL = Pattern.compile(
      "^(-{2,}\\s*(original message|元のメッセージ|オリジナルメッセージ)\\s*-{2,}"
          + "|on .*\\d.* wrote:|.+さん(が|は)書きました\\s*[:：]?"
          + "|.+<[^>]+@[^>]+>\\s*([:：]|wrote.*|のメッセージ.*|のメール.*))$",
      Pattern.CASE_INSENSITIVE);
  /**
   * Lines longer than this are not a mailer's header and are not matched against {@link #ORIGINAL}: its
   * {@code .+<…@…>} backtracks in cubic time on a long line (3,200 characters took seconds, on an event loop).
   */
  private static final int LONGEST_HEADER_LINE = 300;

  private QuotedReply() {
  }

  /** The lines the resident wrote in {@code text}, in order, each stripped; quoted lines and the quoted original left out. */
  public static String withoutQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.length() <= LONGEST_HEADER_LINE && ORIGINAL.matcher(trimmed).matches()) {
        break;
      }
      if (trimmed.startsWith(">") || trimmed.startsWith("＞")) {
        continue;
      }
      out.append(trimmed).append('\n');
    }
    return out.toString();
  }
}
