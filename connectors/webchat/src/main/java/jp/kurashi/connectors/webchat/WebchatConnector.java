package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.connectors.webchat.WebchatStore;

/**
 * Web chat replies: the stored message is the delivery. Once the outbox marks it sent, the
 * {@code message.sent} event pushes it to every open socket of the resident, and a phone that was
 * offline gets it on reconnect by replay. A reply to a chat whose session no longer exists fails.
 */
public final class WebchatConnector implements ChannelConnector {

  public static final String CHANNEL = "webchat";

  private final WebchatStore store;

  public WebchatConnector(WebchatStore store) {
    this.store = store;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  @Override
  public Future<SendReceipt> send(OutboundMessage message) {
    return store.exists(message.contactRef()).compose(exists -> exists
        ? Future.succeededFuture(SendReceipt.accepted())
        : Future.failedFuture(SendFailure.permanent("チャットのセッションがありません / chat session no longer exists")));
  }
}
