package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.LocalizedText;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The texts of the automatic notices that tell a resident when staff will answer: {@code {next}} filled in with
 * the next opening, the crisis lines after it, in every language the desk writes. Which notice a new message
 * gets is decided in one place, {@link AutomaticNotice}; the mail acknowledgement uses {@link #queueOnce} too.
 */
public final class OutOfHoursNotice {

  private static final DateTimeFormatter JA_TIME = DateTimeFormatter.ofPattern("H:mm");

  private OutOfHoursNotice() {
  }

  /**
   * Sends {@code text} (with {@code {next}} filled in and the crisis lines after it) in the contact's
   * language, unless the case got an automatic notice within {@code minGap}. Shared by every
   * automatic notice, so a resident gets one, not one from each. One statement: the slot, the message
   * and its outbox row commit together.
   */
  public static Future<Void> queueOnce(OfficeProfile profile, ReplyQueue replies, long caseId, InboundMessage answered,
                                       Duration minGap, LocalizedText text) {
    return queue(replies, caseId, minGap, render(profile, text, answered, false));
  }

  /**
   * As {@link #queueOnce}, with the desk's own contact and how to complain at the end: for the mail
   * acknowledgement, the one letter-like first answer a resident keeps.
   */
  public static Future<Void> queueOnceWithDesk(OfficeProfile profile, ReplyQueue replies, long caseId,
                                               InboundMessage answered, Duration minGap, LocalizedText text) {
    return queue(replies, caseId, minGap, render(profile, text, answered, true));
  }

  private static Future<Void> queue(ReplyQueue replies, long caseId, Duration minGap, Rendered rendered) {
    return replies.queueAutomaticOnce(caseId, minGap, rendered.byLanguage(), rendered.fallback()).mapEmpty();
  }

  /**
   * {@code text} answering {@code answered}, in each of its languages, {@code {next}} being the opening after the
   * message came; for a contact whose language is not known yet, see {@link #fallback}.
   */
  static Rendered render(OfficeProfile profile, LocalizedText text, InboundMessage answered) {
    return render(profile, text, answered, false);
  }

  private static Rendered render(OfficeProfile profile, LocalizedText text, InboundMessage answered, boolean desk) {
    Optional<ZonedDateTime> next = profile.hours().nextOpening(answered.receivedAt());
    Map<String, String> byLanguage = new HashMap<>();
    for (String language : text.byLanguage().keySet()) {
      byLanguage.put(language, render(profile, text, language, next, desk));
    }
    return new Rendered(byLanguage, fallback(byLanguage, answered,
        render(profile, text, LocalizedText.DEFAULT_LANGUAGE, next, desk)));
  }

  /**
   * The text for a contact whose language is not known yet (a mail's or a LINE user's before they agree to the
   * notice): Japanese, unless the message answered has no kana at all (English, Vietnamese, Korean, Nepali, Chinese,
   * romaji), whose writer may not read Japanese: then English first, and the Japanese after it for whoever helps them.
   */
  private static String fallback(Map<String, String> byLanguage, InboundMessage answered, String japanese) {
    String english = byLanguage.get("en");
    String words = answered.text() + (answered.subject() == null ? "" : answered.subject());
    if (english == null || english.equals(japanese) || words.isBlank() || words.codePoints().anyMatch(
        c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA
            || Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA)) {
      return japanese;
    }
    return english + "\n\n――――――――\n\n" + japanese;
  }

  private static String render(OfficeProfile profile, LocalizedText text, String language,
                               Optional<ZonedDateTime> next, boolean desk) {
    return text.in(language).replace("{next}", next.map(t -> describe(t, language)).orElse("")) + "\n\n"
        + profile.hotlinesText(language) + (desk ? "\n\n" + profile.deskText(language) : "");
  }

  /** "11月30日(月) 9:00" in Japanese, "Mon 30 Nov, 9:00" otherwise. */
  public static String describe(ZonedDateTime t, String language) {
    if ("ja".equals(language)) {
      return t.getMonthValue() + "月" + t.getDayOfMonth() + "日("
          + t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.JAPANESE) + ") " + JA_TIME.format(t);
    }
    return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + " " + t.getDayOfMonth() + " "
        + t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + ", " + JA_TIME.format(t);
  }

  /** A notice in each language, and the one for a contact of any other language. */
  record Rendered(Map<String, String> byLanguage, String fallback) {
  }
}
