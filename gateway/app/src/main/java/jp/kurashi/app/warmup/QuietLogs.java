package jp.kurashi.app.warmup;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own loggers at ERROR while the scratch gateway runs: its cases, crises and notices are not the desk's,
 * and an operator's alert on "crisis found" must not fire for a warm-up. Errors still show.
 */
final class QuietLogs implements AutoCloseable {

  private static final String GATEWAY = "jp.kurashi";

  private final Logger logger;
  /** What was configured before (null: inherited from the root), put back on close. */
  private final Level before;

  private QuietLogs(Logger logger) {
    this.logger = logger;
    this.before = logger == null ? null : logger.getLevel();
  }

  /** Quiet from now until {@link #close}; nothing happens when another logging backend is installed. */
  static QuietLogs start() {
    org.slf4j.Logger found = LoggerFactory.getLogger(GATEWAY);
    if (!(found instanceof Logger logback)) {
      return new QuietLogs(null);
    }
    QuietLogs quiet = new QuietLogs(logback);
    logback.setLevel(Level.ERROR);
    return quiet;
  }

  @Override
  public void close() {
    if (logger != null) {
      logger.setLevel(before);
    }
  }
}
