package jp.kurashi.core.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * How to communicate with the person of a case (合理的配慮), as staff recorded it.
 *
 * @param needs        codes of {@link #NEEDS}, in that order
 * @param contactMeans how they prefer to be contacted, a channel's code or one of {@link #OTHER_CONTACT_MEANS}, or {@code null}
 * @param contactHours when, in staff's words (e.g. 平日の午前), or {@code null}
 * @param note         anything else the colleague meeting them should know, or {@code null}
 */
public record Accommodation(List<String> needs, String contactMeans, String contactHours, String note,
                            Long updatedBy, Instant updatedAt) {

  /** Communication needs, with the words the printable summary uses. */
  public static final Map<String, String> NEEDS = Map.of(
      "writing", "筆談", "sign_language", "手話通訳", "easy_japanese", "やさしい日本語", "furigana", "ふりがな",
      "read_aloud", "読み上げ");
  /** The order needs are shown and stored in. */
  public static final List<String> NEEDS_ORDER = List.of("writing", "sign_language", "easy_japanese", "furigana",
      "read_aloud");
  /**
   * Preferred means of contact besides the gateway's channels (whose codes are means too), with their words on the
   * summary.
   */
  public static final Map<String, String> OTHER_CONTACT_MEANS = Map.of(
      "phone", "電話", "sms", "SMS", "fax", "FAX", "letter", "手紙", "visit", "訪問");
  public static final int MAX_HOURS = 200;
  public static final int MAX_NOTE = 2000;

  public Accommodation {
    needs = NEEDS_ORDER.stream().filter(needs::contains).toList();
  }

  /** Nothing recorded. */
  public static Accommodation none() {
    return new Accommodation(List.of(), null, null, null, null, null);
  }
}
