package jp.kurashi.connectors.line;

import com.linecorp.bot.client.base.BlobContent;
import com.linecorp.bot.client.base.Result;
import com.linecorp.bot.client.base.exception.AbstractLineClientException;
import com.linecorp.bot.messaging.client.MessagingApiBlobClient;
import com.linecorp.bot.messaging.client.MessagingApiClient;
import com.linecorp.bot.messaging.client.MessagingApiClientException;
import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.messaging.model.PushMessageRequest;
import com.linecorp.bot.messaging.model.ReplyMessageRequest;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * LINE's Messaging API through LINE's own SDK, with its CompletableFutures turned into Vert.x
 * futures that complete on the caller's context, and media bytes read on a worker thread.
 */
final class LineApi {

  private final Vertx vertx;
  private final MessagingApiClient messaging;
  private final MessagingApiBlobClient blobs;

  LineApi(Vertx vertx, LineSettings settings) {
    this.vertx = vertx;
    // usingDefaultLogger(false): the SDK's own wire logger writes, at INFO, the Authorization header
    // (our access token), the text of every message to residents and their LINE display names.
    // LINE_TIMEOUT_SECONDS bounds each call as a whole, not each step of it (see LineCallDeadline). Not the data
    // API's: a large video on a slow line may take longer, and its fetch is retried, never delivered twice.
    this.messaging = MessagingApiClient.builder(settings.accessToken())
        .apiEndPoint(settings.apiBaseUrl()).usingDefaultLogger(false)
        .connectTimeout(settings.timeout()).readTimeout(settings.timeout()).writeTimeout(settings.timeout())
        .setEventListener(new LineCallDeadline(vertx, settings.timeout()))
        .build();
    this.blobs = MessagingApiBlobClient.builder(settings.accessToken())
        .apiEndPoint(settings.dataApiBaseUrl()).usingDefaultLogger(false)
        .connectTimeout(settings.timeout()).readTimeout(settings.timeout()).writeTimeout(settings.timeout())
        .build();
  }

  Vertx vertx() {
    return vertx;
  }

  /**
   * Pushes messages; LINE drops a repeat of the same retry key, so retries never send twice. A repeat LINE already
   * accepted (409) counts as pushed, with no request id.
   */
  Future<String> push(String userId, List<Message> messages, UUID retryKey) {
    return on(messaging.pushMessage(retryKey, new PushMessageRequest(userId, messages, false, null)))
        .map(Result::requestId)
        .recover(err -> status(err) == 409 ? Future.succeededFuture(null) : Future.failedFuture(err));
  }

  Future<Void> reply(String replyToken, List<Message> messages) {
    return on(messaging.replyMessage(new ReplyMessageRequest(replyToken, messages, false))).mapEmpty();
  }

  /** Takes the desk's account out of a group chat, or a multi-person chat when {@code group} is false. */
  Future<Void> leave(boolean group, String chatId) {
    return on(group ? messaging.leaveGroup(chatId) : messaging.leaveRoom(chatId)).mapEmpty();
  }

  Future<String> displayName(String userId) {
    return on(messaging.getProfile(userId)).map(r -> r.body().displayName());
  }

  /** The monthly push limit and what was used this month. */
  Future<PushQuota> quota() {
    return on(messaging.getMessageQuota()).compose(q -> on(messaging.getMessageQuotaConsumption())
        .map(c -> new PushQuota(q.body().value() == null ? -1 : q.body().value(), c.body().totalUsage())));
  }

  /** A resident's media file, refused when larger than {@code maxBytes}. */
  Future<Media> content(String messageId, int maxBytes) {
    return on(blobs.getMessageContent(messageId)).compose(result -> vertx.executeBlocking(() -> {
      BlobContent blob = result.body();
      try (InputStream in = blob.byteStream()) {
        byte[] data = in.readNBytes(maxBytes + 1);
        if (data.length > maxBytes) {
          throw new MediaTooLargeException(maxBytes);
        }
        return new Media(blob.mimeType(), data);
      }
    }, false));
  }

  record Media(String contentType, byte[] data) {
  }

  /** Whether LINE has finished preparing a video or voice message: {@code processing}, {@code succeeded} or {@code failed}. */
  Future<String> preparation(String messageId) {
    return on(blobs.getMessageContentTranscodingByMessageId(messageId))
        .map(r -> r.body().status() == null ? "processing" : r.body().status().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** A media file over {@code LINE_MEDIA_MAX_BYTES}: fetching it again cannot help. */
  static final class MediaTooLargeException extends IOException {
    MediaTooLargeException(int maxBytes) {
      super("media larger than " + maxBytes + " bytes");
    }
  }

  private <T> Future<T> on(CompletableFuture<T> call) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(call, context).recover(err -> Future.failedFuture(unwrap(err)));
  }

  static Throwable unwrap(Throwable err) {
    Throwable e = err;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The HTTP status of a LINE API error, or 0 when the call did not get an answer. */
  static int status(Throwable err) {
    return unwrap(err) instanceof AbstractLineClientException e ? e.getCode() : 0;
  }

  /** LINE's own words for an error, safe to show staff (no tokens in them). */
  static String describe(Throwable err) {
    Throwable e = unwrap(err);
    if (e instanceof MessagingApiClientException api && api.getError() != null) {
      return "LINE " + api.getCode() + ": " + api.getError();
    }
    if (e instanceof AbstractLineClientException line) {
      return "LINE " + line.getCode();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static String header(Throwable err, String name) {
    return unwrap(err) instanceof AbstractLineClientException e ? e.getHeader(name) : null;
  }

  /** This month's push messages: the limit ({@code -1} when unlimited) and how many were used. */
  record PushQuota(long limit, long used) {
  }
}
