package jp.kurashi.core.office;

import java.util.List;

/**
 * What residents are told about the desk: its name, hours, privacy notice, crisis lines and the
 * automatic texts. Loaded from configuration so the desk can change wording without a release.
 *
 * @param privacyNoticeVersion recorded with every consent, so it is known which text a resident accepted
 * @param outOfHours           sent when someone writes while the desk is closed; {@code {next}} is
 *                             replaced by the next opening time
 * @param mailAckOpen          acknowledgement of a new email consultation during opening hours
 * @param mailAckClosed        the same outside opening hours ({@code {next}} as above)
 * @param safetyMessage        sent at once, when triage finds a crisis while the desk is open; the crisis
 *                             lines follow it
 * @param safetyMessageClosed  the same while the desk is closed, with the next opening time in it ({@code {next}}
 *                             as above): the one message a crisis out of hours gets, instead of the safety
 *                             message followed by the out-of-hours notice
 * @param desk                 the desk's phone, address and map, and how to complain
 * @param consentRequest       after the privacy notice, to a LINE resident who wrote before agreeing to it: how to
 *                             agree (the button under the message)
 * @param consentByMail        after the privacy notice in the mail acknowledgement: how to agree (reply
 *                             「同意します」, or the web chat page)
 * @param consentByMailUnverified the same for a mail whose sender could not be confirmed (MAIL_AUTHSERV_ID), whose
 *                             reply is not taken as consent: agree on the web chat page
 */
public record OfficeProfile(
    LocalizedText name,
    LocalizedText hoursText,
    OfficeHours hours,
    String privacyNoticeVersion,
    LocalizedText privacyNotice,
    List<Hotline> hotlines,
    LocalizedText outOfHours,
    LocalizedText mailAckOpen,
    LocalizedText mailAckClosed,
    LocalizedText safetyMessage,
    LocalizedText safetyMessageClosed,
    DeskContact desk,
    LocalizedText consentRequest,
    LocalizedText consentByMail,
    LocalizedText consentByMailUnverified) {

  public OfficeProfile {
    hotlines = List.copyOf(hotlines);
    if (privacyNoticeVersion == null || privacyNoticeVersion.isBlank()) {
      throw new IllegalArgumentException("privacy notice version is required");
    }
    if (desk == null) {
      throw new IllegalArgumentException("desk is required");
    }
  }

  /** The same profile under another name (OFFICE_NAME). */
  public OfficeProfile withName(LocalizedText newName) {
    return new OfficeProfile(newName, hoursText, hours, privacyNoticeVersion, privacyNotice, hotlines, outOfHours,
        mailAckOpen, mailAckClosed, safetyMessage, safetyMessageClosed, desk, consentRequest, consentByMail,
        consentByMailUnverified);
  }

  /** The desk's own contact and the complaints text, as plain lines. */
  public String deskText(String language) {
    return desk.text(name, language);
  }

  /** The crisis lines as plain text, one per line, for channels that cannot show a panel. */
  public String hotlinesText(String language) {
    StringBuilder out = new StringBuilder();
    for (Hotline h : hotlines) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append("・").append(h.name().in(language)).append(" ").append(h.number())
          .append("(").append(h.hours().in(language)).append(")");
    }
    return out.toString();
  }
}
