package jp.kurashi.connectors.mail;

import java.util.List;
import java.util.Locale;

/**
 * Whether the desk's own receiving mail server confirmed a mail's From, read from the {@code Authentication-Results}
 * header it added (RFC 8601): a DMARC pass for the From's domain. Anyone can write any From, and anyone can write an
 * {@code Authentication-Results} header too, so only the topmost one naming the desk's server
 * ({@code MAIL_AUTHSERV_ID}) counts: that server adds its own above what came in, and a compliant one removes forged
 * copies of it (RFC 8601 section 5).
 */
final class SenderAuthentication {

  /** Headers longer than this are not a server's result (they are a few hundred characters); they are not read. */
  private static final int LONGEST_HEADER = 8192;

  private final String authservId;

  /** @param authservId the desk's receiving server's authserv-id; {@code null} when the desk has none to trust */
  SenderAuthentication(String authservId) {
    this.authservId = authservId == null || authservId.isBlank() ? null : authservId.trim().toLowerCase(Locale.ROOT);
  }

  /** True when there is a server to trust and it did not confirm the From of this mail. */
  boolean unverified(List<String> authenticationResults, String fromAddress) {
    if (authservId == null) {
      return false;
    }
    int at = fromAddress.lastIndexOf('@');
    String fromDomain = at < 0 ? "" : fromAddress.substring(at + 1).toLowerCase(Locale.ROOT);
    for (String header : authenticationResults) {
      if (header == null || header.length() > LONGEST_HEADER) {
        continue;
      }
      String[] parts = withoutComments(header).split(";");
      String[] id = parts[0].trim().split("\\s+");
      if (!id[0].toLowerCase(Locale.ROOT).equals(authservId)) {
        continue;
      }
      return !dmarcPass(parts, fromDomain);
    }
    return true;
  }

  /** A {@code dmarc=pass} result whose {@code header.from}, when given, is the From's domain. */
  private static boolean dmarcPass(String[] parts, String fromDomain) {
    for (int i = 1; i < parts.length; i++) {
      String[] words = parts[i].trim().toLowerCase(Locale.ROOT).split("\\s+");
      if (!words[0].equals("dmarc=pass")) {
        continue;
      }
      boolean aligned = true;
      for (int w = 1; w < words.length; w++) {
        if (words[w].startsWith("header.from=")) {
          aligned = unquoted(words[w].substring("header.from=".length())).equals(fromDomain);
        }
      }
      if (aligned) {
        return true;
      }
    }
    return false;
  }

  private static String unquoted(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1)
        : value;
  }

  /** The header without its (comments), nested ones included, in one pass. */
  private static String withoutComments(String header) {
    StringBuilder out = new StringBuilder(header.length());
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '"' && depth == 0) {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        depth++;
        continue;
      } else if (!quoted && c == ')' && depth > 0) {
        depth--;
        continue;
      }
      if (depth == 0) {
        out.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
