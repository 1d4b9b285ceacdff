package jp.kurashi.connectors.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether the desk's own receiving mail server confirmed a mail's From, read from the {@code Authentication-Results}
 * header it added (RFC 8601): one DMARC result, a pass, for the From's domain. Anyone can write any From, and anyone
 * can write an {@code Authentication-Results} header too, so only the topmost one naming the desk's server
 * ({@code MAIL_AUTHSERV_ID}) counts: that server adds its own above what came in, and a compliant one removes forged
 * copies of it (RFC 8601 section 5). Quoted strings and comments are read as RFC 8601 writes them, so a sender's
 * envelope address such as {@code "a; dmarc=pass"@evil.example}, which servers copy into the header, stays one value.
 */
final class SenderAuthentication {

  /** A server's result is a few hundred characters; one longer than this is not read, and proves nothing. */
  private static final int LONGEST_HEADER = 8192;

  private final String authservId;

  /** @param authservId the desk's receiving server's authserv-id; {@code null} when the desk has none to trust */
  SenderAuthentication(String authservId) {
    this.authservId = authservId == null || authservId.isBlank() ? null : authservId.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * True when there is a server to trust and it did not confirm the From of this mail.
   *
   * @param fromUnambiguous the mail has one From with one address, the one the gateway files it under (a From that
   *                        reads differently to a strict parser may have been judged for another address)
   */
  boolean unverified(List<String> authenticationResults, String fromAddress, boolean fromUnambiguous) {
    if (authservId == null) {
      return false;
    }
    if (!fromUnambiguous) {
      return true;
    }
    int at = fromAddress.lastIndexOf('@');
    String fromDomain = at < 0 ? "" : fromAddress.substring(at + 1).toLowerCase(Locale.ROOT);
    for (String header : authenticationResults) {
      if (header == null) {
        continue;
      }
      boolean tooLong = header.length() > LONGEST_HEADER;
      List<List<String>> parts = parts(tooLong ? header.substring(0, 512) : header);
      if (parts.isEmpty() || parts.get(0).isEmpty() || !parts.get(0).get(0).toLowerCase(Locale.ROOT).equals(authservId)) {
        continue;
      }
      // The topmost header of the desk's server decides, whatever it says; one too long to read says nothing.
      return tooLong || !dmarcPass(parts, fromDomain);
    }
    return true;
  }

  /** Exactly one DMARC result, {@code pass}, whose {@code header.from} is the From's domain. */
  private static boolean dmarcPass(List<List<String>> parts, String fromDomain) {
    List<List<String>> dmarc = new ArrayList<>();
    for (int i = 1; i < parts.size(); i++) {
      List<String> words = parts.get(i);
      if (!words.isEmpty() && words.get(0).toLowerCase(Locale.ROOT).startsWith("dmarc=")) {
        dmarc.add(words);
      }
    }
    if (dmarc.size() != 1 || !dmarc.get(0).get(0).equalsIgnoreCase("dmarc=pass")) {
      return false;
    }
    for (String word : dmarc.get(0)) {
      String lower = word.toLowerCase(Locale.ROOT);
      if (lower.startsWith("header.from=")) {
        return unquoted(lower.substring("header.from=".length())).equals(fromDomain);
      }
    }
    return false;
  }

  private static String unquoted(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1)
        : value;
  }

  /**
   * The header's {@code ;}-separated parts, each as its words, in one pass: comments (nested, with {@code \} escapes)
   * are dropped, and a quoted string (with {@code \} escapes) stays inside its word, whatever {@code ;} or space it holds.
   */
  static List<List<String>> parts(String header) {
    List<List<String>> parts = new ArrayList<>();
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c == '\\' && (quoted || depth > 0) && i + 1 < header.length()) {
        if (depth == 0) {
          word.append(c).append(header.charAt(i + 1));
        }
        i++;
      } else if (depth > 0) {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
      } else if (quoted) {
        word.append(c);
        quoted = c != '"';
      } else if (c == '"') {
        word.append(c);
        quoted = true;
      } else if (c == '(') {
        depth = 1;
        endWord(word, words);
      } else if (c == ';') {
        endWord(word, words);
        parts.add(words);
        words = new ArrayList<>();
      } else if (Character.isWhitespace(c)) {
        endWord(word, words);
      } else {
        word.append(c);
      }
    }
    endWord(word, words);
    parts.add(words);
    return parts;
  }

  private static void endWord(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }
}
