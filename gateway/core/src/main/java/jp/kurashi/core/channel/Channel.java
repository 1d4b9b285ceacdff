package jp.kurashi.core.channel;

import jp.kurashi.core.config.ConfigSource;

import java.util.Optional;

/**
 * A channel plug-in (web chat, LINE, mail…): one connector module, found with {@link java.util.ServiceLoader}
 * through its {@code META-INF/services/jp.kurashi.core.channel.Channel} file and switched on by its own settings.
 *
 * <p>Its Flyway migrations ({@link #migrations()}) are applied whenever the module is on the classpath, switched on
 * or not: the schema must not depend on settings, or turning a channel on later would meet a database that lacks
 * its tables, and a desk that turns one off would keep tables Flyway no longer knows.
 */
public interface Channel {

  /** The channel code stored with contacts, messages and cases, e.g. {@code line}. */
  String name();

  /** Where the channel comes in lists such as the monthly report's columns: smaller first, then by name. */
  default int position() {
    return 100;
  }

  /** Where the channel's migrations live; version numbers are shared with core's and every other channel's. */
  default String migrations() {
    return "classpath:db/migration/" + name();
  }

  /**
   * Reads the channel's own settings: empty when they leave it off; a {@link jp.kurashi.core.config.ConfigException}
   * naming the setting when they are wrong.
   */
  Optional<ChannelSetup> configure(ConfigSource settings);
}
