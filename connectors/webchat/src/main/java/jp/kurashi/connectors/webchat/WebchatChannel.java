package jp.kurashi.connectors.webchat;

import jp.kurashi.core.office.LocalizedText;
import java.util.Map;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.channel.ChannelParts;
import jp.kurashi.core.channel.ChannelRetention;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.security.Framing;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.connectors.webchat.WebchatStore;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The resident web chat as a channel plug-in: always on (it needs no account anywhere), tuned by its settings. */
public final class WebchatChannel implements Channel {

  @Override
  public String name() {
    return WebchatConnector.CHANNEL;
  }

  @Override
  public int position() {
    return 10;
  }

  @Override
  public LocalizedText label() {
    return new LocalizedText(Map.of("ja", "Webチャット", "en", "Web chat"));
  }

  /** A chat's sessions go with its contact, and those that never became one once unseen past retention. */
  @Override
  public Optional<ChannelRetention> retention(ConfigSource src) {
    return Optional.of(new WebchatRetentionStore());
  }

  @Override
  public Optional<ChannelSetup> configure(ConfigSource src) {
    List<String> frameAncestors;
    try {
      frameAncestors = Framing.origins(src.string("WEBCHAT_FRAME_ANCESTORS", ""));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("WEBCHAT_FRAME_ANCESTORS must be space-separated origins like https://www.city.example.jp ("
          + e.getMessage() + ")");
    }
    return Optional.of(new Setup(
        Duration.ofDays(src.integer("WEBCHAT_SESSION_IDLE_DAYS", 14, 1, 365)), frameAncestors,
        src.integer("WEBCHAT_MAX_SOCKETS_PER_SESSION", 8, 1, 1_000),
        Duration.ofSeconds(src.integer("WEBCHAT_UPLOAD_SECONDS", 120, 5, 3_600)),
        new QuotaSettings(
            src.integer("WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", 60, 1, 1_000_000),
            src.integer("WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", 120, 1, 1_000_000),
            src.integer("WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS", 120, 1, 1_000_000))));
  }

  /**
   * Web chat quotas per client address. The defaults leave room for a family behind one home router, a ward PC
   * corner used by several residents in turn, or a mobile carrier's shared address, while stopping a script.
   */
  public record QuotaSettings(int sessionsPerHour, int messagesPerMinute, int uploadsPerHour) {

    /** The limiters, shared by every instance when the rate limits are in Redis. */
    public WebchatQuotas limiters(RateLimits limits, ClientAddress addresses) {
      return new WebchatQuotas(addresses,
          limits.limiter("webchat-sessions", Quota.perHour(sessionsPerHour)),
          limits.limiter("webchat-messages", Quota.perMinute(messagesPerMinute)),
          limits.limiter("webchat-uploads", Quota.perHour(uploadsPerHour)));
    }
  }

  /**
   * Switched-on web chat.
   *
   * @param sessionIdle    {@code WEBCHAT_SESSION_IDLE_DAYS}: a web chat token unused this long is refused
   * @param frameAncestors {@code WEBCHAT_FRAME_ANCESTORS}: the ward's own sites, which may frame the chat page
   * @param maxSocketsPerSession {@code WEBCHAT_MAX_SOCKETS_PER_SESSION}: sockets one chat token may hold open at once
   * @param uploadTimeout  {@code WEBCHAT_UPLOAD_SECONDS}: time for an image upload's body to arrive
   */
  public record Setup(Duration sessionIdle, List<String> frameAncestors, int maxSocketsPerSession, Duration uploadTimeout,
                      QuotaSettings quotas)
      implements ChannelSetup {

    @Override
    public String name() {
      return WebchatConnector.CHANNEL;
    }

    @Override
    public ChannelParts start(ChannelContext ctx, InboundPipeline pipeline) {
      WebchatStore store = new WebchatStore(ctx.pool());
      WebchatRoutes routes = new WebchatRoutes(ctx.officeId(), store, ctx.contacts(), pipeline, ctx.bus(),
          new ChatSockets(ctx.bus()), ctx.office(), WebchatSettings.defaults().withSessionIdle(sessionIdle)
              .withFrameAncestors(frameAncestors).withMaxSocketsPerSession(maxSocketsPerSession)
              .withUploadTimeout(uploadTimeout),
          quotas.limiters(ctx.rateLimits(), ctx.clientAddress()), ctx.metrics(), ctx.clock());
      return new ChannelParts(new WebchatConnector(store, ctx.clock(), sessionIdle),
          List.of(router -> routes.mount(router, ctx.officePath())), List.of());
    }
  }
}
