package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.office.LocalizedText;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * When a resident writes while the desk is closed, tells them (on their own channel) when staff
 * will answer. At most one notice per case per {@code minGap}, so a long night of messages gets one.
 */
public final class OutOfHoursNotice implements AfterIngest {

  private static final DateTimeFormatter JA_TIME = DateTimeFormatter.ofPattern("H:mm");

  private final OfficeProfile profile;
  private final ReplyQueue replies;
  private final Duration minGap;

  public OutOfHoursNotice(OfficeProfile profile, ReplyQueue replies, Duration minGap) {
    this.profile = profile;
    this.replies = replies;
    this.minGap = minGap;
  }

  @Override
  public String name() {
    return "out-of-hours-notice";
  }

  @Override
  public Future<Void> apply(InboundMessage message, IngestResult stored) {
    if (message.automated() || profile.hours().isOpen(message.receivedAt())) {
      return Future.succeededFuture();
    }
    return queueOnce(profile, replies, stored.caseId(), message.receivedAt(), minGap, profile.outOfHours());
  }

  /**
   * Sends {@code text} (with {@code {next}} filled in and the crisis lines after it) in the contact's
   * language, unless the case got an automatic notice within {@code minGap}. Shared by every
   * automatic notice, so a resident gets one, not one from each. One statement: the slot, the message
   * and its outbox row commit together.
   */
  public static Future<Void> queueOnce(OfficeProfile profile, ReplyQueue replies, long caseId, Instant at,
                                       Duration minGap, LocalizedText text) {
    Optional<ZonedDateTime> next = profile.hours().nextOpening(at);
    Map<String, String> byLanguage = new HashMap<>();
    for (String language : text.byLanguage().keySet()) {
      byLanguage.put(language, render(profile, text, language, next));
    }
    String fallback = render(profile, text, LocalizedText.DEFAULT_LANGUAGE, next);
    return replies.queueAutomaticOnce(caseId, minGap, byLanguage, fallback).mapEmpty();
  }

  private static String render(OfficeProfile profile, LocalizedText text, String language,
                               Optional<ZonedDateTime> next) {
    return text.in(language).replace("{next}", next.map(t -> describe(t, language)).orElse("")) + "\n\n"
        + profile.hotlinesText(language);
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
}
