package jp.kurashi.core.security;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a staff password must be: at least {@link #MIN_LENGTH} characters, not a shipped or well-known
 * default (the old compose file's {@code change-this-password}, {@code changeme}, {@code password123}...),
 * not the login name. The same rule for {@code GATEWAY_ADMIN_PASSWORD} and every password set in the console.
 *
 * <pre>{@code
 * PasswordPolicy.problem(password, login).ifPresent(why -> refuse(why));
 * }</pre>
 */
public final class PasswordPolicy {

  public static final int MIN_LENGTH = 12;

  /**
   * Known defaults, folded (lower case, letters only); a password whose letters fold to one of these is
   * refused however it is decorated with digits, symbols or capitals ({@code Password2024!}) or repeated.
   */
  private static final Set<String> KNOWN_DEFAULTS = Set.of(
      "changethispassword", "changeme", "changemenow", "changethis", "password", "passwd", "passw", "admin",
      "administrator", "adminadmin", "adminpassword", "root", "toor", "secret", "letmein", "welcome", "qwerty",
      "qwertyuiop", "abc", "abcdef", "iloveyou", "default", "kurashi", "kurashigateway", "kurashiadmin", "test",
      "testtest", "guest", "");

  /** A word said more than once ({@code changemechangeme}). */
  private static final java.util.regex.Pattern REPEATED = java.util.regex.Pattern.compile("(.+?)\\1+");

  private PasswordPolicy() {
  }

  /** Why {@code password} is refused (English, for a log-free error message), or empty when it is acceptable. */
  public static Optional<String> problem(String password, String login) {
    if (password == null || password.length() < MIN_LENGTH) {
      return Optional.of("must be at least " + MIN_LENGTH + " characters");
    }
    String folded = password.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    java.util.regex.Matcher repeated = REPEATED.matcher(folded);
    if (KNOWN_DEFAULTS.contains(folded) || repeated.matches() && KNOWN_DEFAULTS.contains(repeated.group(1))) {
      return Optional.of("is a well-known default password");
    }
    if (password.chars().distinct().count() < 4) {
      return Optional.of("repeats too few different characters");
    }
    if (login != null && folded.equals(login.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", ""))) {
      return Optional.of("is the login name");
    }
    return Optional.empty();
  }
}
