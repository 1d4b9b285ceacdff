package jp.kurashi.connectors.mail;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The case token in a mail subject, {@code [KS-123-7f3a9c01]}: the case number, and a random part so that
 * a token cannot be made up from a case number. The old form {@code [KS-123]} is still read, with no
 * random part; it never continues a case by itself (the sender must be the case's contact anyway).
 *
 * @param caseId the case number
 * @param secret the random part, or {@code null} for the old form
 */
record CaseToken(long caseId, String secret) {

  private static final Pattern TOKEN = Pattern.compile("\\[KS-(\\d{1,18})(?:-([0-9a-fA-F]{1,16}))?]");
  private static final Pattern ANY_TOKEN = Pattern.compile("\\s*\\[KS-\\d+(?:-[0-9a-fA-F]*)?]");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The first token in a subject such as "Re: 家賃の相談 [KS-123-7f3a9c01]". */
  static Optional<CaseToken> find(String subject) {
    Matcher m = TOKEN.matcher(subject == null ? "" : subject);
    if (!m.find()) {
      return Optional.empty();
    }
    String secret = m.group(2) == null ? null : m.group(2).toLowerCase(java.util.Locale.ROOT);
    return Optional.of(new CaseToken(Long.parseLong(m.group(1)), secret));
  }

  /** A fresh random part: 32 bits from {@link SecureRandom}, as eight lower-case hex digits. */
  static String newSecret() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The subject without any token, old or new form. */
  static String strip(String subject) {
    return ANY_TOKEN.matcher(subject).replaceAll("");
  }

  @Override
  public String toString() {
    return "[KS-" + caseId + (secret == null ? "" : "-" + secret) + "]";
  }
}
