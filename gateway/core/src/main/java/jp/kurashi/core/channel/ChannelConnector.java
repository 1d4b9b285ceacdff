package jp.kurashi.core.channel;

import io.vertx.core.Future;
import jp.kurashi.core.domain.OutboundMessage;

import java.time.Duration;
import java.util.Optional;

/**
 * The one contract a channel implements to carry replies to residents.
 *
 * <p>Inbound messages go the other way: a connector turns what it receives into an
 * {@link jp.kurashi.core.domain.InboundMessage} and hands it to the
 * {@link jp.kurashi.core.pipeline.InboundPipeline}, acknowledging only when that future succeeds.
 *
 * <pre>{@code
 * public Future<SendReceipt> send(OutboundMessage m) {
 *   return client.push(m.contactRef(), m.text(), m.idempotencyKey())
 *       .map(id -> new SendReceipt(id))
 *       .recover(err -> Future.failedFuture(SendFailure.transientError(err.getMessage(), null)));
 * }
 * }</pre>
 */
public interface ChannelConnector {

  /** The channel code stored with contacts and messages, e.g. {@code line}. */
  String channel();

  /**
   * Delivers one reply. Fails with a {@link SendFailure} to say whether a retry can help;
   * any other failure is treated as transient.
   */
  Future<SendReceipt> send(OutboundMessage message);

  /**
   * The longest a {@link #send} can run before its future completes, when the channel bounds its sends itself
   * (a blocking client with its own timeouts). The outbox then waits that long, not just its own send timeout:
   * a send it gave up on would keep running, deliver, and be sent again by the retry. Empty: the outbox's timeout
   * alone bounds the wait, so the channel must stop its own work within it.
   */
  default Optional<Duration> longestSend() {
    return Optional.empty();
  }

  /**
   * How long after a reply's first attempt the channel still drops a repeat of it by its idempotency key (LINE's retry
   * key). Past it, the outbox does not send again a reply an earlier attempt may have delivered: it fails it with the
   * reason, and a consultant confirms before it goes under a new key. Empty: the channel keeps no such window, or
   * needs none.
   */
  default Optional<Duration> retryKeyLifetime() {
    return Optional.empty();
  }

  /** Whether the channel can deliver now; a channel without its own checks is always up. */
  default ChannelHealth health() {
    return ChannelHealth.ok();
  }
}
