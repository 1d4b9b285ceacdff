package jp.kurashi.connectors.line;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PostbackAction;
import com.linecorp.bot.messaging.model.QuickReply;
import com.linecorp.bot.messaging.model.QuickReplyItem;
import com.linecorp.bot.messaging.model.TextMessage;
import com.linecorp.bot.webhook.model.LocationMessageContent;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import jp.kurashi.core.office.OfficeProfile;

import java.util.ArrayList;
import java.util.List;

/** What the desk says on LINE, and how LINE-only content reads for staff. */
final class LineTexts {

  /** Postback data of the consent button; the notice version follows it. */
  static final String CONSENT_POSTBACK = "kurashi:consent:";
  /** LINE refuses text messages longer than this. */
  static final int MAX_TEXT = 5_000;
  /** LINE takes at most this many messages per push. */
  static final int MAX_MESSAGES = 5;

  private LineTexts() {
  }

  /** The greeting on follow: name, hours, privacy notice, crisis lines, the desk's contact and how to complain, and a consent button. */
  static List<Message> greeting(OfficeProfile p) {
    String text = p.name().in("ja") + "です。友だち追加ありがとうございます。\n\n"
        + "受付時間: " + p.hoursText().in("ja") + "\n\n"
        + p.privacyNotice().in("ja") + "\n\n"
        + "よろしければ「同意して相談する」を押してから、困っていることをお書きください。\n\n"
        + "いますぐ助けが必要なとき:\n" + p.hotlinesText("ja") + "\n\n"
        + p.deskText("ja");
    return List.of(new TextMessage(consentButton(p.privacyNoticeVersion()), null, truncate(text), null, null));
  }

  /** The 「同意して相談する」 quick-reply button, answering with the consent postback for {@code version}. */
  static QuickReply consentButton(String version) {
    PostbackAction consent = new PostbackAction("同意して相談する", CONSENT_POSTBACK + version,
        "同意して相談する", null, null, null);
    return new QuickReply(List.of(new QuickReplyItem(consent)));
  }

  /** The pushes with the consent button under the very last message (LINE shows quick replies only there). */
  static List<List<Message>> withConsentButton(List<List<Message>> pushes, String version) {
    List<List<Message>> out = new ArrayList<>(pushes);
    List<Message> last = new ArrayList<>(out.get(out.size() - 1));
    if (last.get(last.size() - 1) instanceof TextMessage t) {
      last.set(last.size() - 1, new TextMessage(consentButton(version), null, t.text(), null, null));
      out.set(out.size() - 1, List.copyOf(last));
    }
    return List.copyOf(out);
  }

  /** Said once in a group chat the desk's account was invited to, before it leaves: nothing about anyone's case. */
  static List<Message> sharedChatNote(OfficeProfile p) {
    return List.of(new TextMessage(p.name().in("ja") + "のアカウントは、お一人ずつの個別のご相談専用です。"
        + "グループではお話をうかがえないため、退出します。ご相談は、このアカウントとの1対1のトークでお送りください。\n\n"
        + p.name().in("en") + " answers one person at a time, so this account leaves group chats. "
        + "Please write to it in a one-to-one chat."));
  }

  static List<Message> consentThanks() {
    return List.of(new TextMessage("ありがとうございます。困っていることを、書ける範囲でお書きください。"
        + "相談員が順番にお返事します。"));
  }

  /** A long reply as several messages of at most 5,000 characters, split at line ends where possible. */
  static List<List<Message>> split(String text) {
    List<Message> all = new ArrayList<>();
    String rest = text;
    while (rest.length() > MAX_TEXT) {
      int cut = rest.lastIndexOf('\n', MAX_TEXT);
      if (cut < MAX_TEXT / 2) {
        cut = MAX_TEXT;
        if (Character.isHighSurrogate(rest.charAt(cut - 1))) {
          cut--;
        }
      }
      all.add(new TextMessage(rest.substring(0, cut)));
      rest = rest.substring(cut).replaceFirst("^\n", "");
    }
    if (!rest.isEmpty()) {
      all.add(new TextMessage(rest));
    }
    List<List<Message>> pushes = new ArrayList<>();
    for (int i = 0; i < all.size(); i += MAX_MESSAGES) {
      pushes.add(all.subList(i, Math.min(all.size(), i + MAX_MESSAGES)));
    }
    return pushes;
  }

  /**
   * The note staff get when a resident's LINE photo, video, voice message or file could not be fetched for good: ask
   * them to send it again (LINE keeps content only for a while). Staff read it, so Japanese first; {@code reason} is
   * LINE's answer or an error class, never content.
   */
  static String mediaNotFetchedNote(String kind, String reason) {
    String ja = switch (kind) {
      case "image" -> "画像";
      case "video" -> "動画";
      case "audio" -> "音声";
      default -> "ファイル";
    };
    String en = switch (kind) {
      case "image" -> "photo";
      case "video" -> "video";
      case "audio" -> "voice message";
      default -> "file";
    };
    return "【自動記録】相談者がLINEで送った" + ja + "を取得できませんでした(" + reason + ")。必要なら、もう一度送って"
        + "もらってください。 / Automatic record: the " + en + " the resident sent on LINE could not be fetched (" + reason
        + "). Ask them to send it again if it is needed.";
  }

  /**
   * A sticker as staff read it. A message sticker carries words the resident typed onto it ({@code text}, up to 100
   * characters): those are the resident's message, triaged like any text, so they come first.
   */
  static String sticker(StickerMessageContent s) {
    String said = s.text() == null || s.text().isBlank() ? "" : s.text().strip() + " ";
    String words = s.keywords() == null || s.keywords().isEmpty() ? "" : " " + String.join("・", s.keywords());
    return said + "[スタンプ" + words + "] https://stickershop.line-scdn.net/stickershop/v1/sticker/" + s.stickerId()
        + "/android/sticker.png";
  }

  static String location(LocationMessageContent l) {
    StringBuilder out = new StringBuilder("[位置情報]");
    if (l.title() != null) {
      out.append(' ').append(l.title());
    }
    if (l.address() != null) {
      out.append(' ').append(l.address());
    }
    out.append(" (").append(l.latitude()).append(", ").append(l.longitude()).append(") ")
        .append("https://www.openstreetmap.org/?mlat=").append(l.latitude()).append("&mlon=").append(l.longitude());
    return out.toString();
  }

  private static String truncate(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
  }
}
