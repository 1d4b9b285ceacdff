package jp.kurashi.core.channel;

import jp.kurashi.core.pipeline.InboundPipeline;

/** A channel its settings switched on, and how it starts. */
public interface ChannelSetup {

  /** The channel code, as {@link Channel#name()}. */
  String name();

  /** Builds the connector, routes and periodic jobs; {@code pipeline} is where inbound messages go. */
  ChannelParts start(ChannelContext ctx, InboundPipeline pipeline);
}
