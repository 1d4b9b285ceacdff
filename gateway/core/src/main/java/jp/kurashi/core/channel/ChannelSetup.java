package jp.kurashi.core.channel;

import jp.kurashi.core.pipeline.InboundPipeline;

/** A channel its settings switched on, and how it starts. */
public interface ChannelSetup {

  /** The channel code, as {@link Channel#name()}. */
  String name();

  /**
   * The outside account this setup uses (a LINE channel, a mailbox), compared but never shown: two offices of one
   * deployment may not share one, or one office's residents would land in the other's cases. Empty for a channel
   * without one (web chat).
   */
  default java.util.Optional<String> account() {
    return java.util.Optional.empty();
  }

  /** Builds the connector, routes and periodic jobs; {@code pipeline} is where inbound messages go. */
  ChannelParts start(ChannelContext ctx, InboundPipeline pipeline);
}
