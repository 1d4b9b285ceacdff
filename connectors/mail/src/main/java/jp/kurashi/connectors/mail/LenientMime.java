package jp.kurashi.connectors.mail;

import java.util.Map;

/**
 * Jakarta Mail's leniency in reading MIME, which it takes from system properties only (not from a {@code Session}), some
 * of them once per JVM when its classes load: call {@link #apply()} before any mail class is used.
 */
public final class LenientMime {

  /**
   * A resident's mail is read as far as it can be: a part with an encoding nobody knows is read as it stands, a
   * multipart without its closing or opening boundary, or with none of its parts, still gives what is there, and a
   * file name with a stray character is still a file name. Strictness here would only quarantine their words.
   */
  private static final Map<String, String> PROPERTIES = Map.of(
      "mail.mime.ignoreunknownencoding", "true",
      "mail.mime.decodetext.strict", "false",
      "mail.mime.parameters.strict", "false",
      "mail.mime.multipart.ignoremissingendboundary", "true",
      "mail.mime.multipart.ignoremissingboundaryparameter", "true",
      "mail.mime.multipart.allowempty", "true");

  private LenientMime() {
  }

  /** Sets each property an operator has not set on the command line. */
  public static void apply() {
    PROPERTIES.forEach((name, value) -> {
      if (System.getProperty(name) == null) {
        System.setProperty(name, value);
      }
    });
  }
}
