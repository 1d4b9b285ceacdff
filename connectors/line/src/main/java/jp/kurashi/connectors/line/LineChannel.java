package jp.kurashi.connectors.line;

import jp.kurashi.core.office.LocalizedText;
import java.util.Map;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.channel.ChannelParts;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.lease.PeriodicJob;
import jp.kurashi.core.pipeline.InboundPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** LINE as a channel plug-in: on when {@code LINE_CHANNEL_SECRET} is set; it then needs the access token too. */
public final class LineChannel implements Channel {

  private static final Logger LOG = LoggerFactory.getLogger(LineChannel.class);

  @Override
  public String name() {
    return LineConnector.CHANNEL;
  }

  @Override
  public int position() {
    return 20;
  }

  @Override
  public LocalizedText label() {
    return new LocalizedText(Map.of("ja", "LINE", "en", "LINE"));
  }

  /** A LINE user can write without ever following the account or pressing the greeting's button. */
  @Override
  public boolean writesBeforeConsent() {
    return true;
  }

  @Override
  public boolean wantsConsentRequest() {
    return true;
  }

  @Override
  public Optional<ChannelSetup> configure(ConfigSource src) {
    return settings(src).map(Setup::new);
  }

  /** The LINE settings, empty when LINE is off. */
  public static Optional<LineSettings> settings(ConfigSource src) {
    Optional<String> secret = src.optional("LINE_CHANNEL_SECRET");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    String token = src.optional("LINE_CHANNEL_ACCESS_TOKEN").orElseThrow(() ->
        new ConfigException("LINE_CHANNEL_ACCESS_TOKEN must be set when LINE_CHANNEL_SECRET is"));
    return Optional.of(new LineSettings(secret.get(), token,
        src.uri("LINE_API_BASE_URL", LineSettings.LINE_API),
        src.uri("LINE_DATA_API_BASE_URL", LineSettings.LINE_DATA_API),
        src.integer("LINE_MEDIA_MAX_BYTES", 20 * 1024 * 1024, 1024, 200 * 1024 * 1024),
        src.integer("LINE_QUOTA_WARN_PERCENT", 90, 1, 100),
        Duration.ofMinutes(src.integer("LINE_QUOTA_POLL_MINUTES", 10, 1, 1440)),
        Duration.ofSeconds(src.integer("LINE_TIMEOUT_SECONDS", 10, 1, 120)),
        src.integer("LINE_WEBHOOKS_IN_FLIGHT", 64, 1, 10_000),
        Duration.ofSeconds(src.integer("LINE_WEBHOOK_READ_SECONDS", 10, 1, 120)),
        Duration.ofSeconds(src.integer("LINE_MEDIA_RETRY_SECONDS", 30, 1, 3600)),
        src.integer("LINE_MEDIA_ATTEMPTS", 10, 1, 100),
        src.integer("LINE_MEDIA_FETCHES", 4, 1, 64)));
  }

  /** Switched-on LINE. */
  public record Setup(LineSettings settings) implements ChannelSetup {

    @Override
    public String name() {
      return LineConnector.CHANNEL;
    }

    /** The LINE channel is known by its secret: two offices with one would read each other's webhooks. */
    @Override
    public Optional<String> account() {
      return Optional.of(settings.channelSecret());
    }

    @Override
    public ChannelParts start(ChannelContext ctx, InboundPipeline pipeline) {
      LineConnector connector = new LineConnector(ctx.vertx(), settings, ctx.contacts(),
          new LineStore(ctx.pool(), ctx.clock(), ctx.officeId()), ctx.office().privacyNoticeVersion());
      LineMediaFetcher media = new LineMediaFetcher(connector, settings, ctx.metrics(), ctx.bus(), ctx.clock());
      LineWebhook webhook = new LineWebhook(ctx.officeId(), settings, pipeline, ctx.contacts(), connector, media,
          ctx.office(), ctx.metrics(), ctx.clientAddress(), ctx.clock());
      String path = "/webhook/line" + ctx.officePath();
      LOG.atInfo().addKeyValue("office", ctx.officeCode()).addKeyValue("path", path).log("LINE channel on");
      return new ChannelParts(connector, List.of(router -> webhook.mount(router, path)),
          List.of(new PeriodicJob(ctx.jobName("line-quota"),
                  () -> new LineQuotaWatch(connector, settings.quotaPollInterval())),
              new PeriodicJob(ctx.jobName("line-media"),
                  () -> new LineMediaRetry(connector.store(), media, settings.mediaRetry()))));
    }
  }
}
