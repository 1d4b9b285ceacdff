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
import java.util.Objects;
import java.util.Optional;

/**
 * The texts of the automatic notices that tell a resident when staff will answer: {@code {next}} filled in with
 * the next opening, the crisis lines after it, in every language the desk writes. Which notice a new message
 * gets is decided in one place, {@link AutomaticNotice}; the mail acknowledgement uses {@link #queueOnce} too.
 */
public final class OutOfHoursNotice {

  /** What the gateway writes for a resident's non-text message (「[画像]」, a sticker's link), not their words. */
  private static final java.util.regex.Pattern PLACEHOLDERS =
      java.util.regex.Pattern.compile("\\[[^\\[\\]\\n]{0,80}\\]|https?://\\S+");
  /** How much of a message is looked at for its script: its start says it. */
  private static final int LANGUAGE_SAMPLE = 2000;
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
   * notice): Japanese, unless the message answered is written in another script and has no kana (English, Vietnamese,
   * Korean, Nepali, Tagalog, romaji), whose writer may not read Japanese: then English first, and the Japanese after it
   * for whoever helps them. Kanji alone (生活保護申請, a Chinese writer) stays Japanese, and so does a message that is
   * only the gateway's own placeholder (「[画像]」, a sticker's link).
   */
  private static String fallback(Map<String, String> byLanguage, InboundMessage answered, String japanese) {
    String english = byLanguage.get("en");
    String text = answered.text().length() > LANGUAGE_SAMPLE ? answered.text().substring(0, LANGUAGE_SAMPLE) : answered.text();
    String words = PLACEHOLDERS.matcher(text + " " + Objects.toString(answered.subject(), "")).replaceAll(" ");
    boolean kana = words.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HIRAGANA
        || Character.UnicodeScript.of(c) == Character.UnicodeScript.KATAKANA);
    boolean otherScript = words.codePoints().filter(Character::isLetter).anyMatch(c -> switch (Character.UnicodeScript.of(c)) {
      case HAN, HIRAGANA, KATAKANA, COMMON, INHERITED -> false;
      default -> true;
    });
    if (english == null || english.equals(japanese) || kana || !otherScript) {
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
