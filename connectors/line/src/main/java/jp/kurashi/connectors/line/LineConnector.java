package jp.kurashi.connectors.line;

import com.linecorp.bot.messaging.model.Message;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.ChannelHealth;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.core.store.ContactStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Replies to LINE users. Staff replies are pushed with {@code X-Line-Retry-Key} set to the outbox's
 * idempotency key, the same on every attempt; automatic messages use the user's reply token while it
 * is valid (free, no push quota), falling back to a push. 429 and 5xx are retried with LINE's
 * Retry-After; other 4xx fail with LINE's words; a revoked token marks the channel down. An automatic message to a
 * user who has not agreed to the current privacy notice carries the 「同意して相談する」 button, so the consent
 * request (and a safety message sent before consent) can be answered with one tap.
 */
public final class LineConnector implements ChannelConnector {

  public static final String CHANNEL = "line";
  private static final Logger LOG = LoggerFactory.getLogger(LineConnector.class);

  private final Vertx vertx;
  private final LineApi api;
  private final ContactStore contacts;
  private final LineStore store;
  private final LineSettings settings;
  private final String noticeVersion;
  private volatile String downReason;
  private volatile LineApi.PushQuota quota;

  public LineConnector(Vertx vertx, LineSettings settings, ContactStore contacts, LineStore store) {
    this(vertx, settings, contacts, store, null);
  }

  /** As above; automatic messages to users who have not agreed to notice {@code noticeVersion} get the agree button. */
  public LineConnector(Vertx vertx, LineSettings settings, ContactStore contacts, LineStore store,
                       String noticeVersion) {
    this(vertx, new LineApi(vertx, settings), settings, contacts, store, noticeVersion);
  }

  LineConnector(Vertx vertx, LineApi api, LineSettings settings, ContactStore contacts, LineStore store,
                String noticeVersion) {
    this.vertx = vertx;
    this.api = api;
    this.settings = settings;
    this.contacts = contacts;
    this.store = store;
    this.noticeVersion = noticeVersion;
  }

  /** The Vert.x instance the channel runs on (timers of its own). */
  Vertx vertx() {
    return vertx;
  }

  /** Reply tokens and seen webhook events, shared with the webhook. */
  LineStore store() {
    return store;
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  LineApi api() {
    return api;
  }

  /** Reads the monthly push quota from LINE; also tells whether the token still works. */
  public Future<Void> refreshQuota() {
    return api.quota().onSuccess(q -> {
      quota = q;
      downReason = null;
    }).onFailure(this::noteFailure).mapEmpty();
  }

  @Override
  public Future<SendReceipt> send(OutboundMessage message) {
    List<List<Message>> split = LineTexts.split(message.text());
    if (split.isEmpty()) {
      return Future.failedFuture(SendFailure.permanent("empty message"));
    }
    return withButton(message, split).compose(pushes -> send(message, pushes));
  }

  private Future<List<List<Message>>> withButton(OutboundMessage message, List<List<Message>> pushes) {
    if (!message.automatic() || noticeVersion == null) {
      return Future.succeededFuture(pushes);
    }
    return contacts.find(store.officeId(), CHANNEL, message.contactRef()).map(found ->
        found.isPresent() && found.get().consentedTo(noticeVersion) ? pushes
            : LineTexts.withConsentButton(pushes, noticeVersion));
  }

  /** What a reply token did for an automatic message. */
  private enum TokenTry { SENT, NOT_SENT, MAY_HAVE_SENT }

  private Future<SendReceipt> send(OutboundMessage message, List<List<Message>> pushes) {
    // Only on the first attempt: a later one follows a push or reply that may have arrived, and a reply carries no
    // retry key, so a token the resident's next message brought meanwhile would deliver the message twice.
    Future<TokenTry> replied = message.automatic() && pushes.size() == 1 && message.attempt() == 1
        ? tryReplyToken(message, pushes.get(0)) : Future.succeededFuture(TokenTry.NOT_SENT);
    return replied.compose(done -> done == TokenTry.SENT ? Future.succeededFuture(SendReceipt.accepted())
        : pushAll(message, pushes, done == TokenTry.MAY_HAVE_SENT));
  }

  private Future<TokenTry> tryReplyToken(OutboundMessage message, List<Message> messages) {
    return store.takeReplyToken(CHANNEL, message.contactRef()).compose(token -> {
      if (token.isEmpty()) {
        return Future.succeededFuture(TokenTry.NOT_SENT);
      }
      return api.reply(token.get(), messages).map(v -> TokenTry.SENT).recover(err -> {
        // An expired or used token (400) is no loss: the push below delivers. After a timeout or a 5xx the reply may
        // have reached the resident all the same, and the push can show it twice: chosen over a safety message that
        // might never arrive (a reply cannot be asked about, nor given a retry key).
        int status = LineApi.status(err);
        LOG.atInfo().addKeyValue("messageId", message.messageId()).addKeyValue("status", status)
            .log("reply token not accepted, pushing instead");
        return Future.succeededFuture(status == 0 || status >= 500 ? TokenTry.MAY_HAVE_SENT : TokenTry.NOT_SENT);
      });
    });
  }

  /**
   * Pushes every part in turn. Once a part was taken (or the reply token may have delivered the message), a failure
   * further on says the reply may have arrived, whatever LINE answered to that part.
   */
  private Future<SendReceipt> pushAll(OutboundMessage message, List<List<Message>> pushes, boolean tokenMayHaveSent) {
    java.util.concurrent.atomic.AtomicBoolean partTaken = new java.util.concurrent.atomic.AtomicBoolean(tokenMayHaveSent);
    Future<String> chain = Future.succeededFuture();
    for (int i = 0; i < pushes.size(); i++) {
      List<Message> batch = pushes.get(i);
      // Each part of a long reply keeps its own stable key, derived from the outbox key.
      UUID key = i == 0 ? message.idempotencyKey()
          : UUID.nameUUIDFromBytes((message.idempotencyKey() + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      chain = chain.compose(prev -> api.push(message.contactRef(), batch, key).onSuccess(taken -> partTaken.set(true)));
    }
    return chain.<SendReceipt>map(requestId -> {
      downReason = null;
      return new SendReceipt(null);
    }).recover(err -> {
      SendFailure failure = classify(err);
      return Future.failedFuture(partTaken.get() ? failure.afterPartMayHaveArrived(PART_ARRIVED) : failure);
    });
  }

  /** Said before LINE's words when part of a reply (or the reply token's try) may have reached the resident. */
  private static final String PART_ARRIVED = "返信の一部は相談者に届いている可能性があります / part of this reply may have reached the"
      + " resident: ";

  /**
   * The reply token's try and the first push, each cut off at {@code LINE_TIMEOUT_SECONDS} (LineCallDeadline): the
   * outbox waits that long (plus its own send timeout) before it counts the attempt as failed, so the try without a
   * retry key has ended before any retry pushes. Further parts of a long reply may run on: they carry retry keys, and
   * LINE drops their repeats.
   */
  @Override
  public Optional<Duration> longestSend() {
    return Optional.of(settings.timeout().multipliedBy(2));
  }

  /**
   * LINE drops a repeated retry key for 24 hours after the first attempt; an hour less leaves room for this gateway's
   * clock against LINE's, and for the send itself.
   */
  @Override
  public Optional<Duration> retryKeyLifetime() {
    return Optional.of(RETRY_KEY_LIFETIME);
  }

  private static final Duration RETRY_KEY_LIFETIME = Duration.ofHours(23);

  private SendFailure classify(Throwable err) {
    int status = LineApi.status(err);
    String words = LineApi.describe(err);
    if (status == 429 && words.toLowerCase(java.util.Locale.ROOT).contains("monthly limit")) {
      return SendFailure.permanent("今月のLINEの送信上限に達したため送れませんでした / LINE monthly push limit reached: " + words);
    }
    if (status == 429) {
      // Rate limited: LINE did not take the push.
      return SendFailure.notTaken(words, retryAfter(err));
    }
    if (status >= 500 || status == 0) {
      // A 5xx or no answer: LINE may have taken the push all the same (its retry key stops a repeat, for a day).
      return SendFailure.transientError(words, retryAfter(err));
    }
    if (status == 401 || status == 403) {
      noteFailure(err);
      return SendFailure.permanent("LINEのアクセストークンが無効です / LINE access token invalid or revoked: " + words);
    }
    return SendFailure.permanent(words);
  }

  private static Duration retryAfter(Throwable err) {
    String value = LineApi.header(err, "Retry-After");
    if (value == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private void noteFailure(Throwable err) {
    int status = LineApi.status(err);
    if (status == 401 || status == 403) {
      downReason = "LINEのアクセストークンが無効です / access token invalid or revoked (" + LineApi.describe(err) + ")";
      LOG.atError().addKeyValue("status", status).log("LINE channel down: token refused");
    }
  }

  @Override
  public ChannelHealth health() {
    JsonObject details = new JsonObject();
    LineApi.PushQuota q = quota;
    if (q != null) {
      JsonObject quotaJson = new JsonObject().put("used", q.used());
      if (q.limit() >= 0) {
        long remaining = Math.max(0, q.limit() - q.used());
        quotaJson.put("limit", q.limit()).put("remaining", remaining)
            .put("warning", q.limit() > 0 && q.used() * 100 >= q.limit() * (long) settings.quotaWarnPercent());
      }
      details.put("quota", quotaJson);
    }
    String reason = downReason;
    return new ChannelHealth(reason == null, reason, details);
  }
}
