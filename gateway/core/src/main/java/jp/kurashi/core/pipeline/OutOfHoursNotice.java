package jp.kurashi.core.pipeline;

import io.vertx.core.Future;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.CaseStore;

import java.time.Duration;
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
  private final CaseStore cases;
  private final ReplyQueue replies;
  private final Duration minGap;

  public OutOfHoursNotice(OfficeProfile profile, CaseStore cases, ReplyQueue replies, Duration minGap) {
    this.profile = profile;
    this.cases = cases;
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
    return queueOnce(profile, cases, replies, stored.caseId(), message.receivedAt(), minGap, profile.outOfHours());
  }

  /**
   * Sends {@code text} (with {@code {next}} filled in and the crisis lines after it) in the contact's
   * language, unless the case got an automatic notice within {@code minGap}. Shared by every
   * automatic notice, so a resident gets one, not one from each.
   */
  public static Future<Void> queueOnce(OfficeProfile profile, CaseStore cases, ReplyQueue replies, long caseId,
                                       java.time.Instant at, Duration minGap, jp.kurashi.core.office.LocalizedText text) {
    return cases.claimAutoNotice(caseId, minGap).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.succeededFuture();
      }
      String language = claimed.get().isEmpty() ? "ja" : claimed.get();
      String next = profile.hours().nextOpening(at).map(t -> describe(t, language)).orElse("");
      return replies.queueSystem(caseId, text.in(language).replace("{next}", next) + "\n\n"
          + profile.hotlinesText(language)).mapEmpty();
    });
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
