package jp.kurashi.core.outbox;

import io.vertx.core.Future;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.OutboundMessage;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A channel for outbox tests: answers each attempt as scripted and records every call. */
final class ScriptedChannel implements ChannelConnector {

  record Call(OutboundMessage message, Instant at) {
  }

  private final String channel;
  private final Function<OutboundMessage, Future<SendReceipt>> answer;
  final List<Call> calls = new CopyOnWriteArrayList<>();
  private java.time.Duration longestSend;
  private java.time.Duration keyLifetime;

  ScriptedChannel(String channel, Function<OutboundMessage, Future<SendReceipt>> answer) {
    this.channel = channel;
    this.answer = answer;
  }

  static ScriptedChannel accepting(String channel) {
    return new ScriptedChannel(channel, m -> Future.succeededFuture(new SendReceipt("sent-" + m.messageId())));
  }

  static ScriptedChannel failingTransiently(String channel, String reason) {
    return new ScriptedChannel(channel, m -> Future.failedFuture(SendFailure.transientError(reason, null)));
  }

  /** Says its sends end within {@code longest}, as a channel with its own per-step timeouts does. */
  ScriptedChannel bounded(java.time.Duration longest) {
    this.longestSend = longest;
    return this;
  }

  /** Says it drops a repeated idempotency key for {@code lifetime} after the first attempt, as LINE does. */
  ScriptedChannel keysKeptFor(java.time.Duration lifetime) {
    this.keyLifetime = lifetime;
    return this;
  }

  @Override
  public java.util.Optional<java.time.Duration> retryKeyLifetime() {
    return java.util.Optional.ofNullable(keyLifetime);
  }

  @Override
  public java.util.Optional<java.time.Duration> longestSend() {
    return java.util.Optional.ofNullable(longestSend);
  }

  @Override
  public String channel() {
    return channel;
  }

  @Override
  public Future<SendReceipt> send(OutboundMessage message) {
    calls.add(new Call(message, Instant.now()));
    return answer.apply(message);
  }
}
