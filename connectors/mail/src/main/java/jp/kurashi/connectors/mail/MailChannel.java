package jp.kurashi.connectors.mail;

import jp.kurashi.core.office.LocalizedText;
import java.util.Map;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.channel.ChannelParts;
import jp.kurashi.core.channel.ChannelRetention;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.lease.PeriodicJob;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.AutomaticNotice;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.connectors.mail.MailStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Email as a channel plug-in: on when {@code MAIL_IMAP_HOST} is set; it then needs the rest of the mailbox's settings. */
public final class MailChannel implements Channel {

  private static final Logger LOG = LoggerFactory.getLogger(MailChannel.class);

  @Override
  public String name() {
    return MailConnector.CHANNEL;
  }

  @Override
  public int position() {
    return 30;
  }

  @Override
  public LocalizedText label() {
    return new LocalizedText(Map.of("ja", "メール", "en", "Email"));
  }

  /** Anyone can mail the desk; the acknowledgement asks for consent (no separate consent request). */
  @Override
  public boolean writesBeforeConsent() {
    return true;
  }

  /** A mail answering 「同意します」 is recorded first, so the steps after it see the consent. */
  @Override
  public List<AfterIngest> beforeTriage(ChannelContext ctx) {
    return List.of(new MailConsentReply(ctx.officeId(), ctx.office(), ctx.contacts()));
  }

  /**
   * The acknowledgement comes after triage's automatic notice, so a crisis mail at night (whose safety message
   * took the notice slot) gets no second mail.
   */
  @Override
  public List<AfterIngest> afterTriage(ChannelContext ctx) {
    return List.of(new MailAcknowledgement(ctx.office(), ctx.replies(), AutomaticNotice.NOTICE_GAP, ctx.contacts()));
  }

  /**
   * Raw mails go with their cases and after {@code MAIL_RAW_KEEP_DAYS} (1 to 3650, default 30), whether email is
   * on or not: a desk that switched it off still holds the mails it fetched.
   */
  @Override
  public Optional<ChannelRetention> retention(ConfigSource src) {
    return Optional.of(new MailRetentionStore(Duration.ofDays(
        src.integer("MAIL_RAW_KEEP_DAYS", MailRetentionStore.DEFAULT_RAW_KEEP_DAYS, 1, 3650))));
  }

  @Override
  public Optional<ChannelSetup> configure(ConfigSource src) {
    return settings(src).map(Setup::new);
  }

  /** The mailbox's settings, empty when email is off. */
  public static Optional<MailSettings> settings(ConfigSource src) {
    Optional<String> imapHost = src.optional("MAIL_IMAP_HOST");
    if (imapHost.isEmpty()) {
      return Optional.empty();
    }
    boolean tls = src.bool("MAIL_TLS", true);
    String address = required(src, "MAIL_ADDRESS", "MAIL_IMAP_HOST");
    if (!address.matches("[^@\\s]+@[^@\\s]+")) {
      throw new ConfigException("MAIL_ADDRESS must be an email address, got \"" + address + "\"");
    }
    String folder = src.string("MAIL_FOLDER", "INBOX");
    String processed = src.optional("MAIL_PROCESSED_FOLDER").orElse(null);
    if (processed != null && processed.equalsIgnoreCase(folder)) {
      throw new ConfigException("MAIL_PROCESSED_FOLDER must be another folder than MAIL_FOLDER (\"" + folder
          + "\"): mail moved there would be fetched again");
    }
    return Optional.of(new MailSettings(
        imapHost.get(),
        src.integer("MAIL_IMAP_PORT", tls ? 993 : 143, 1, 65535),
        required(src, "MAIL_SMTP_HOST", "MAIL_IMAP_HOST"),
        src.integer("MAIL_SMTP_PORT", tls ? 465 : 25, 1, 65535),
        required(src, "MAIL_USER", "MAIL_IMAP_HOST"),
        required(src, "MAIL_PASSWORD", "MAIL_IMAP_HOST"),
        address,
        tls,
        Duration.ofSeconds(src.integer("MAIL_POLL_SECONDS", 60, 1, 3600)),
        folder,
        processed,
        src.choice("MAIL_CHARSET", "UTF-8", Set.of("UTF-8", "ISO-2022-JP")),
        src.integer("MAIL_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, 1024, 100 * 1024 * 1024),
        Duration.ofSeconds(src.integer("MAIL_TIMEOUT_SECONDS", 30, 1, 300)),
        src.optional("MAIL_AUTHSERV_ID").orElse(null),
        serverKeep(src),
        src.integer("MAIL_MAX_BYTES", (int) MailSettings.DEFAULT_MAX_MAIL_BYTES, 1024 * 1024, 256 * 1024 * 1024)));
  }

  /** {@code MAIL_SERVER_KEEP_DAYS}; {@code null} when unset (mail stays on the server). */
  private static Duration serverKeep(ConfigSource src) {
    return src.optional("MAIL_SERVER_KEEP_DAYS").isEmpty() ? null
        : Duration.ofDays(src.integer("MAIL_SERVER_KEEP_DAYS", 1, 1, 3650));
  }

  private static String required(ConfigSource src, String name, String because) {
    return src.optional(name).orElseThrow(() -> new ConfigException(name + " must be set when " + because + " is"));
  }

  /** Switched-on email. */
  public record Setup(MailSettings settings) implements ChannelSetup {

    @Override
    public String name() {
      return MailConnector.CHANNEL;
    }

    /** The mailbox (folder, user, server): two offices polling one would each take the other's residents' mail. */
    @Override
    public Optional<String> account() {
      return Optional.of(settings.mailboxKey());
    }

    @Override
    public ChannelParts start(ChannelContext ctx, InboundPipeline pipeline) {
      MailStore store = new MailStore(ctx.pool());
      LOG.atInfo().addKeyValue("office", ctx.officeCode()).addKeyValue("imap", settings.imapHost())
          .log("email channel on");
      return new ChannelParts(new MailConnector(ctx.vertx(), settings, store, ctx.office().name().in("ja")),
          List.of(), List.of(new PeriodicJob(ctx.jobName("mail-poller"),
              () -> new MailPoller(settings, store, pipeline, ctx.metrics(), ctx.clock()))));
    }
  }
}
