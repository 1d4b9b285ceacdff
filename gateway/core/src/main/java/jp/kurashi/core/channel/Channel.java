package jp.kurashi.core.channel;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.office.LocalizedText;

import jp.kurashi.core.pipeline.AfterIngest;

import java.util.List;
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

  /** What staff call the channel (Japanese first), e.g. メール / Email: the console, the report and the handoff sheet. */
  LocalizedText label();

  /** Where the channel comes in lists such as the monthly report's columns: smaller first, then by name. */
  default int position() {
    return 100;
  }

  /** Where the channel's migrations live; version numbers are shared with core's and every other channel's. */
  default String migrations() {
    return "classpath:db/migration/" + name();
  }

  // The pipeline's part is the installed channel's, switched on or not: a message of a channel switched off since
  // (swept after a restart, or injected by staff tooling) is handled as it always was.

  /**
   * Whether residents can write before agreeing to the privacy notice (web chat asks before its first message;
   * LINE and mail cannot): on such channels no out-of-hours notice goes out before consent.
   */
  default boolean writesBeforeConsent() {
    return false;
  }

  /** Whether the core's consent request follows a first message sent before consent (mail asks in its own reply). */
  default boolean wantsConsentRequest() {
    return false;
  }

  /** Steps run after a message is stored and before triage (e.g. recording a consent the message gives). */
  default List<AfterIngest> beforeTriage(ChannelContext ctx) {
    return List.of();
  }

  /** Steps run after triage and the automatic notice (e.g. an acknowledgement that must not double a notice). */
  default List<AfterIngest> afterTriage(ChannelContext ctx) {
    return List.of();
  }

  /**
   * What the retention job erases of the channel's own tables, read from the deployment's settings (a bad one is a
   * {@link jp.kurashi.core.config.ConfigException} naming it). Asked of every installed channel, switched on or
   * not: a channel switched off still has rows that must go when their cases do. Empty: the channel keeps nothing
   * of its own about residents.
   */
  default Optional<ChannelRetention> retention(ConfigSource settings) {
    return Optional.empty();
  }

  /**
   * Reads the channel's own settings: empty when they leave it off; a {@link jp.kurashi.core.config.ConfigException}
   * naming the setting when they are wrong.
   */
  Optional<ChannelSetup> configure(ConfigSource settings);
}
