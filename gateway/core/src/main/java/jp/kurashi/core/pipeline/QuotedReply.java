package jp.kurashi.core.pipeline;

import java.util.regex.Pattern;

/**
 * A mail reply without what it quotes: the lines a mailer marks with {@code >} and the line above them ("On … wrote:",
 * 「… <desk@…>:」), and everything under an unmarked quoted original (「-----Original Message-----」). What a
 * resident quotes is the desk's earlier mail (its hotline list, its safety message) or their own earlier words, both
 * triaged when they were first written; triaged again, every reply would raise the crisis its quote mentions.
 * Forwarded text (「転送メッセージ」, "Forwarded message") is kept: a relative forwarding someone's words is telling the
 * desk about them. So is Outlook's 「差出人: … 送信日時: …」 block, which looks the same above a forward as above a
 * reply (left whole: a missed crisis costs more than a second alarm). Headers are matched as mailers write them (a
 * date in "On … wrote:", 「さんは書きました」, an address): a resident's own 「母が手紙にこう書きました:」 is their
 * words, and so is what follows it.
 */
public final class QuotedReply {

  /** The line Outlook and others put above a quoted original they do not mark: nothing below it is the writer's. */
  private static final Pattern ORIGINAL = Pattern.compile(
      "^-{2,}\\s*(original message|元のメッセージ|オリジナルメッセージ)\\s*-{2,}$", Pattern.CASE_INSENSITIVE);
  /**
   * The line a mailer puts above a quote it marks with {@code >} ("On … wrote:", 「… <desk@…>:」, 「…のメール:」): left out
   * with the quote, and reading goes on, since a writer may answer below or between the quoted lines. Matched to its
   * end, so a sentence that only names an address (「田中さん <t@…> のメールを読みました。もう限界です」) is the writer's.
   */
  private static final Pattern ATTRIBUTION = Pattern.compile(
      "^(on .*\\d.* wrote:|.+さん(が|は)書きました\\s*[:：]"
          + "|[^<>]+<[^<>@\\s]+@[^<>\\s]+>\\s*([:：]|wrote:|のメッセージ\\s*[:：]?|のメール\\s*[:：]?))$",
      Pattern.CASE_INSENSITIVE);
  /** Lines longer than this are not a mailer's header, and are not matched: patterns cost time on long hostile lines. */
  private static final int LONGEST_HEADER_LINE = 300;
  /** Headers are looked for in this many lines at most; a mail longer than that is read whole beyond them. */
  private static final int MOST_LINES_LOOKED_AT = 5_000;

  private QuotedReply() {
  }

  /**
   * The lines the writer wrote in a reply, in order, each stripped: lines quoted with {@code >}, the mailer's line above
   * them, and everything under an unmarked quoted original left out.
   */
  public static String withoutQuoted(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int looked = 0;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith(">") || trimmed.startsWith("＞")) {
        continue;
      }
      if (looked++ < MOST_LINES_LOOKED_AT && trimmed.length() <= LONGEST_HEADER_LINE) {
        if (ORIGINAL.matcher(trimmed).matches()) {
          break;
        }
        if (ATTRIBUTION.matcher(trimmed).matches()) {
          continue;
        }
      }
      out.append(trimmed).append('\n');
    }
    return out.toString();
  }
}
