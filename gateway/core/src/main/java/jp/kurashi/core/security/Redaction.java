package jp.kurashi.core.security;

import java.util.regex.Pattern;

/**
 * Masks email addresses in a channel's own words before they go to the log: an SMTP server's
 * "550 5.1.1 &lt;taro@example.jp&gt;: Recipient address rejected" names the resident. Staff still
 * see the unmasked words on the message itself.
 *
 * <pre>{@code
 * LOG.atInfo().addKeyValue("reason", Redaction.addresses(failure.getMessage())).log("reply failed");
 * }</pre>
 */
public final class Redaction {

  private static final Pattern ADDRESS = Pattern.compile("[^\\s<>()\\[\\]\"'`,;:@]+@[^\\s<>()\\[\\]\"'`,;:@]+");

  private Redaction() {
  }

  /** The text with every {@code local@domain} replaced by {@code [address]}; null stays null. */
  public static String addresses(String text) {
    return text == null ? null : ADDRESS.matcher(text).replaceAll("[address]");
  }
}
