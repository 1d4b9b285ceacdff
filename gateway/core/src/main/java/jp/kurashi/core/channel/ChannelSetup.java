package jp.kurashi.core.channel;

import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.InboundPipeline;

import java.util.List;

/** A channel its settings switched on: what it adds to the pipeline, and how it starts. */
public interface ChannelSetup {

  /** The channel code, as {@link Channel#name()}. */
  String name();

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

  /** Builds the connector, routes and periodic jobs; {@code pipeline} is where inbound messages go. */
  ChannelParts start(ChannelContext ctx, InboundPipeline pipeline);
}
