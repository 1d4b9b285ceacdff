package jp.kurashi.testkit.crash;

import java.util.Locale;

/** A deliberate client fault, to show that the crash check can fail ({@code -Dcrash.fault=no-resend}). */
public enum Fault {
  /** Clients behave as the real ones do. */
  NONE,
  /** The web chat client forgets what it had not sent when the socket dropped: messages go unacknowledged. */
  NO_RESEND,
  /** The web chat client counts a message as acknowledged when it is written, not when the ack comes: loss. */
  ACK_ON_WRITE;

  /** The fault named by the system property {@code crash.fault}, or NONE. */
  public static Fault fromProperty() {
    String value = System.getProperty("crash.fault", "").trim();
    return value.isEmpty() ? NONE : valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
