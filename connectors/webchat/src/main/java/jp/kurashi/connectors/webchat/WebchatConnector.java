package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.connectors.webchat.WebchatStore;

import java.time.Clock;
import java.time.Duration;

/**
 * Web chat replies: the stored message is the delivery. Once the outbox marks it sent, the
 * {@code message.sent} event pushes it to every open socket of the resident, and a phone that was
 * offline gets it on reconnect by replay. A reply to a chat nobody can open any more (ended by the resident, unused
 * past the idle limit, or gone) fails for good: reporting it sent would tell staff it can be read.
 */
public final class WebchatConnector implements ChannelConnector {

  public static final String CHANNEL = "webchat";

  private final WebchatStore store;
  private final Clock clock;
  private final Duration sessionIdle;

  /** {@code sessionIdle}: {@code WEBCHAT_SESSION_IDLE_DAYS}, the limit the socket applies to the token. */
  public WebchatConnector(WebchatStore store, Clock clock, Duration sessionIdle) {
    this.store = store;
    this.clock = clock;
    this.sessionIdle = sessionIdle;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Future<SendReceipt> send(OutboundMessage message) {
    return store.state(message.contactRef(), clock.instant(), sessionIdle).compose(state -> switch (state) {
      case LIVE -> Future.succeededFuture(SendReceipt.accepted());
      case ENDED -> Future.failedFuture(SendFailure.permanent(
          "相談者がチャットを終了しました / the resident ended this chat"));
      case IDLE -> Future.failedFuture(SendFailure.permanent(
          "チャットが長く使われていないため終了しています / the chat ended, unused past the idle limit"));
      case NONE -> Future.failedFuture(SendFailure.permanent(
          "チャットのセッションがありません / chat session no longer exists"));
    });
  }
}
