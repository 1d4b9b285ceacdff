package jp.kurashi.testkit.crash;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every message of a run carries a marker such as {@code #crash-w-17#} in its text. Counting stored rows
 * by marker (not by the channel's id) also catches a copy stored under a second id.
 */
final class Markers {

  private static final Pattern MARKER = Pattern.compile("#crash-([wlmr])-(\\d+)#");

  private Markers() {
  }

  static String of(Channel channel, long n) {
    return "#crash-" + channel.letter + "-" + n + "#";
  }

  static String reply(long n) {
    return "#crash-r-" + n + "#";
  }

  /** The first marker in a text, e.g. {@code w-17}. */
  static Optional<String> find(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = MARKER.matcher(text);
    return m.find() ? Optional.of(m.group(0)) : Optional.empty();
  }
}
