package jp.kurashi.core.office;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How residents reach the desk itself, and how and to whom they can complain: shown on the chat page, in
 * LINE's greeting and in the mail acknowledgement. Phone, address and map are the desk's own to fill in;
 * the shipped profile leaves them empty rather than invent them.
 *
 * @param phone      the desk's number as dialled, e.g. {@code 06-1234-5678}, or {@code null}
 * @param address    where the window is, or {@code null}
 * @param mapUrl     an https link to a map of it, or {@code null}
 * @param complaints how to make a complaint and who answers for it (the person responsible by role)
 */
public record DeskContact(String phone, LocalizedText address, URI mapUrl, LocalizedText complaints) {

  private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ()\\-]{4,24}");

  public DeskContact {
    if (phone != null && !PHONE.matcher(phone).matches()) {
      throw new IllegalArgumentException("desk.phone \"" + phone + "\" is not a phone number like 06-1234-5678");
    }
    if (mapUrl != null && (!"https".equals(mapUrl.getScheme()) || mapUrl.getHost() == null)) {
      throw new IllegalArgumentException("desk.mapUrl must be an https:// address");
    }
    if (complaints == null) {
      throw new IllegalArgumentException("desk.complaints is required: residents must be told how to complain and to whom");
    }
  }

  /** The number for a {@code tel:} link: digits and a leading plus only. */
  public Optional<String> dialable() {
    return Optional.ofNullable(phone).map(p -> p.replaceAll("[^0-9+]", ""));
  }

  /** The desk's contact and the complaints text as plain lines, for channels that cannot show a panel. */
  public String text(LocalizedText deskName, String language) {
    boolean ja = LocalizedText.DEFAULT_LANGUAGE.equals(language);
    StringBuilder out = new StringBuilder(deskName.in(language));
    if (phone != null) {
      out.append('\n').append(ja ? "電話: " : "Phone: ").append(phone);
    }
    if (address != null) {
      out.append('\n').append(ja ? "所在地: " : "Address: ").append(address.in(language));
    }
    if (mapUrl != null) {
      out.append('\n').append(ja ? "地図: " : "Map: ").append(mapUrl);
    }
    out.append("\n\n").append(ja ? "ご意見・苦情: " : "Comments and complaints: ").append(complaints.in(language));
    return out.toString();
  }
}
