package jp.kurashi.connectors.line;

import com.linecorp.bot.parser.FixedSkipSignatureVerificationSupplier;
import com.linecorp.bot.parser.LineSignatureValidator;
import com.linecorp.bot.parser.WebhookParseException;
import com.linecorp.bot.parser.WebhookParser;
import com.linecorp.bot.webhook.model.AudioMessageContent;
import com.linecorp.bot.webhook.model.CallbackRequest;
import com.linecorp.bot.webhook.model.ContentProvider;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.EventMode;
import com.linecorp.bot.webhook.model.FileMessageContent;
import com.linecorp.bot.webhook.model.FollowEvent;
import com.linecorp.bot.webhook.model.ImageMessageContent;
import com.linecorp.bot.webhook.model.LocationMessageContent;
import com.linecorp.bot.webhook.model.MessageContent;
import com.linecorp.bot.webhook.model.MessageEvent;
import com.linecorp.bot.webhook.model.PostbackEvent;
import com.linecorp.bot.webhook.model.StickerMessageContent;
import com.linecorp.bot.webhook.model.TextMessageContent;
import com.linecorp.bot.webhook.model.UnfollowEvent;
import com.linecorp.bot.webhook.model.UnsendEvent;
import com.linecorp.bot.webhook.model.UserSource;
import com.linecorp.bot.webhook.model.VideoMessageContent;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jp.kurashi.connectors.line.LineStore.PendingMedia;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.pipeline.InboundText;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /webhook/line}: checks {@code X-Line-Signature} with LINE's SDK (401 and nothing stored
 * when it is missing or wrong), stores every message event of the delivery in one transaction, handles
 * follow, unfollow and consent postbacks once each, erases a message its sender unsent, and answers 200 only
 * after all of it is committed (503 when the database is unavailable, so LINE redelivers).
 * Media bytes and display names are fetched after the answer, so LINE is never kept waiting.
 * Only one-to-one chats are consultations: from a group or a multi-person chat nothing is stored, no reply token
 * kept, and the desk's account leaves it (see {@link SharedChats}).
 */
public final class LineWebhook {

  private static final Logger LOG = LoggerFactory.getLogger(LineWebhook.class);
  private static final int BODY_LIMIT = 1024 * 1024;
  /** When an unsend that found nothing is tried once more, for a delivery of its message still committing. */
  static final java.time.Duration UNSEND_AGAIN = java.time.Duration.ofSeconds(10);
  /** Longest file name kept of a resident's LINE file, in code points (LINE allows far less). */
  private static final int MAX_FILE_NAME = 255;
  /** The routing context key of the timer that cuts off a delivery whose body is not read in time. */
  private static final String READ_DEADLINE = "kurashi.line.readDeadline";

  private final long officeId;
  private final LineSettings settings;
  private final LineSignatureValidator signatures;
  private final WebhookParser parser;
  private final InboundPipeline pipeline;
  private final ContactStore contacts;
  private final LineConnector connector;
  private final LineMediaFetcher media;
  private final OfficeProfile profile;
  private final GatewayMetrics metrics;
  /** Deliveries being read or handled now, on every event loop. */
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final ClientAddress clientAddress;
  private final Clock clock;
  private java.time.Duration unsendAgain = UNSEND_AGAIN;

  LineWebhook(long officeId, LineSettings settings, InboundPipeline pipeline, ContactStore contacts,
              LineConnector connector, LineMediaFetcher media, OfficeProfile profile, GatewayMetrics metrics,
              Clock clock) {
    this(officeId, settings, pipeline, contacts, connector, media, profile, metrics, ClientAddress.direct(), clock);
  }

  /** As above; {@code clientAddress} names the sender of a refused webhook in the log (TRUSTED_PROXIES honoured). */
  LineWebhook(long officeId, LineSettings settings, InboundPipeline pipeline, ContactStore contacts,
              LineConnector connector, LineMediaFetcher media, OfficeProfile profile, GatewayMetrics metrics,
              ClientAddress clientAddress, Clock clock) {
    this.media = media;
    this.clientAddress = clientAddress;
    this.clock = clock;
    this.officeId = officeId;
    this.settings = settings;
    this.signatures = new LineSignatureValidator(settings.channelSecret().getBytes(StandardCharsets.UTF_8));
    // The signature is checked apart, before parsing (handle); the parser would compute the same HMAC again.
    this.parser = new WebhookParser(signatures, FixedSkipSignatureVerificationSupplier.of(true));
    this.pipeline = pipeline;
    this.contacts = contacts;
    this.connector = connector;
    this.profile = profile;
    this.metrics = metrics;
  }

  public void mount(Router router) {
    mount(router, "/webhook/line");
  }

  /** At {@code path}: each office's LINE channel has its own, signed with its own secret. */
  public void mount(Router router, String path) {
    // (The body handler is called from a handler of ours: Vert.x Web refuses a body handler after a user one.)
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
    router.post(path).handler(this::admit).handler(body::handle).handler(this::handle);
  }

  /**
   * At most {@code LINE_WEBHOOKS_IN_FLIGHT} deliveries are read at once; beyond, 503 before a byte of the body is read
   * (LINE redelivers). A body must be read whole before its signature can be checked, so without this anyone could
   * make the gateway hold a megabyte per connection they opened. A body not in within {@code LINE_WEBHOOK_READ_SECONDS}
   * has its connection closed: without a deadline, a few byte-a-second senders would hold every place, and LINE's own
   * deliveries would be turned away.
   */
  private void admit(RoutingContext ctx) {
    ctx.request().pause();
    if (inFlight.incrementAndGet() > settings.webhooksInFlight()) {
      inFlight.decrementAndGet();
      metrics.increment("line_webhooks_refused_total", "reason", "busy");
      LOG.atWarn().addKeyValue("inFlight", settings.webhooksInFlight()).log("LINE webhook refused: too many at once");
      ctx.response().setStatusCode(503).putHeader("Retry-After", "1").end();
      return;
    }
    long deadline = ctx.vertx().setTimer(settings.webhookReadTimeout().toMillis(), id -> {
      ctx.remove(READ_DEADLINE);
      metrics.increment("line_webhooks_refused_total", "reason", "slow");
      LOG.atWarn().addKeyValue("remote", clientAddress.of(ctx.request()))
          .addKeyValue("seconds", settings.webhookReadTimeout().toSeconds()).log("LINE webhook cut off: body too slow");
      ctx.request().connection().close();
    });
    ctx.put(READ_DEADLINE, deadline);
    ctx.addEndHandler(done -> {
      readDone(ctx);
      inFlight.decrementAndGet();
    });
    ctx.next();
  }

  /** The body is in (or the exchange is over): the read deadline no longer applies. */
  private void readDone(RoutingContext ctx) {
    Long deadline = ctx.remove(READ_DEADLINE);
    if (deadline != null) {
      ctx.vertx().cancelTimer(deadline);
    }
  }

  private void handle(RoutingContext ctx) {
    readDone(ctx);
    long receivedAt = System.nanoTime();
    String signature = ctx.request().getHeader(WebhookParser.SIGNATURE_HEADER_NAME);
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    CallbackRequest callback;
    try {
      if (signature == null || signature.isBlank()) {
        throw new WebhookParseException("missing signature");
      }
      try {
        java.util.Base64.getDecoder().decode(signature);
      } catch (IllegalArgumentException e) {
        // The SDK's decoder throws this too, and it would be counted below as a signed body that is not a callback.
        throw new WebhookParseException("signature not in base64");
      }
      // Checked apart from parsing: the parser says "Invalid content" in the same exception as a bad signature.
      if (!signatures.validateSignature(body, signature)) {
        throw new WebhookParseException("bad signature");
      }
    } catch (WebhookParseException e) {
      metrics.increment("line_webhooks_refused_total", "reason", "signature");
      LOG.atWarn().addKeyValue("remote", clientAddress.of(ctx.request())).log("LINE webhook refused: bad signature");
      ctx.response().setStatusCode(401).end();
      return;
    }
    try {
      callback = parser.handle(signature, body);
    } catch (WebhookParseException | IOException | RuntimeException e) {
      // Signed by LINE's secret, so LINE's (or a misconfigured sender's) body: nothing to redeliver, nothing to store.
      metrics.increment("line_webhooks_refused_total", "reason", "malformed");
      LOG.atWarn().log("LINE webhook refused: signed body is not a LINE callback");
      ctx.response().setStatusCode(400).end();
      return;
    }

    List<Event> events = callback.events() == null ? List.of() : callback.events();
    List<InboundMessage> inbound = new ArrayList<>();
    List<MessageEvent> messageEvents = new ArrayList<>();
    List<Event> others = new ArrayList<>();
    SharedChats shared = new SharedChats();
    for (Event event : events) {
      if (event.mode() == EventMode.STANDBY && !(event instanceof UnsendEvent)) {
        // Another channel of this account is active (LINE's module channels, its chat mode): the resident talks to
        // that one, and a channel on standby must send nothing (no reply token comes with it), so neither greetings
        // nor notices nor a case here, which nobody would answer on LINE.
        metrics.increment("line_events_total", "kind", "standby");
        LOG.atWarn().addKeyValue("type", event.getClass().getSimpleName())
            .log("LINE event in standby mode, not stored: another channel of the account is active");
        continue;
      }
      if (shared.add(event)) {
        // A group's words are not one resident's private case, and a reply with a group's token is read by the
        // whole group (a privacy notice or a safety message there tells a family that someone consults the desk).
        metrics.increment("line_events_total", "kind", "shared_chat");
        if (event instanceof UnsendEvent) {
          others.add(event); // erasing is always allowed: a message stored before this rule can still be taken back
        }
        continue;
      }
      if (event instanceof MessageEvent m && userId(m) != null && m.webhookEventId() != null) {
        inbound.add(toInbound(m));
        messageEvents.add(m);
      } else {
        others.add(event);
      }
    }
    Future<List<IngestResult>> stored = takenBackEarly(messageEvents).compose(takenBack -> {
      for (int i = messageEvents.size() - 1; i >= 0; i--) {
        MessageContent content = messageEvents.get(i).message();
        if (content != null && takenBack.contains(userId(messageEvents.get(i)) + "/" + content.id())) {
          metrics.increment("line_events_total", "kind", "unsent_before_stored");
          messageEvents.remove(i);
          inbound.remove(i);
        }
      }
      return inbound.isEmpty() ? Future.succeededFuture(List.<IngestResult>of()) : pipeline.receiveAll(inbound);
    });
    stored
        // Media are recorded right after their messages' commit, before an unsend in the same delivery forgets them.
        .compose(results -> connector.store().mediaAwaited(mediaOf(messageEvents, results), media.firstTryTime())
            .compose(v -> handleOthers(others))
            .map(results))
        .onSuccess(results -> {
          metrics.observe(GatewayMetrics.INBOUND_ACK_SECONDS, "channel", LineConnector.CHANNEL,
              System.nanoTime() - receivedAt);
          ctx.response().setStatusCode(200).end();
          metrics.increment("line_events_total", "kind", "message");
          // Reply tokens are an optimisation (an automatic message can always be pushed), so saving them
          // stays off the acknowledgement path: LINE gets its 200 one commit sooner.
          saveReplyTokens(messageEvents).onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
              .log("LINE reply tokens not saved; automatic messages will be pushed"));
          afterAnswer(messageEvents, results);
          shared.leave(connector.api(), LineTexts.sharedChatNote(profile));
        })
        .onFailure(err -> {
          // Not committed: LINE redelivers, and the redelivery is deduplicated by webhookEventId.
          // 503 when the database is down or restarting (nothing wrong with the delivery); 500 otherwise.
          boolean unavailable = DatabaseFailures.unavailable(err);
          metrics.increment("line_webhooks_failed_total", "reason", unavailable ? "database_unavailable" : "error");
          LOG.atError().addKeyValue("events", events.size()).addKeyValue("databaseUnavailable", unavailable)
              .addKeyValue("error", DatabaseFailures.describe(err)).log("LINE webhook not stored; LINE will redeliver");
          ctx.response().setStatusCode(unavailable ? 503 : 500).end();
        });
  }

  /**
   * Of these messages, those their resident took back before the gateway stored them, as "user/message id". Only a
   * redelivery can be one (its first delivery got no 200 while the unsend's did), so only redeliveries are looked up:
   * the first delivery of a message, nearly all of them, costs no query.
   */
  private Future<java.util.Set<String>> takenBackEarly(List<MessageEvent> events) {
    List<String> users = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (MessageEvent e : events) {
      if (redelivered(e) && e.message() != null && e.message().id() != null) {
        users.add(userId(e));
        ids.add(e.message().id());
      }
    }
    return users.isEmpty() ? Future.succeededFuture(java.util.Set.of()) : connector.store().wereUnsentEarly(users, ids);
  }

  /** Another wait before an unsend that found nothing is tried once more (tests wait less); before {@link #mount}. */
  LineWebhook unsendAgainAfter(java.time.Duration wait) {
    this.unsendAgain = wait;
    return this;
  }

  /** The resident of a one-to-one chat; {@code null} for a group, a multi-person chat or an unknown source. */
  private static String userId(Event e) {
    return e.source() instanceof UserSource u ? u.userId() : null;
  }

  private static boolean redelivered(Event e) {
    return e.deliveryContext() != null && Boolean.TRUE.equals(e.deliveryContext().isRedelivery());
  }

  /** Whoever sent the event, in any kind of chat: only an unsend, which can only erase, is taken from a group. */
  private static String sender(Event e) {
    return e.source() == null ? null : e.source().userId();
  }

  private InboundMessage toInbound(MessageEvent e) {
    // The gateway's own clock, as for mail and web chat: office hours and notices are decided by when the
    // desk received the message, and LINE's timestamp on a redelivery can be hours old.
    // LINE's message id goes in with the message (one commit, before the 200): an unsend names the message by it.
    return new InboundMessage(LineConnector.CHANNEL, e.webhookEventId(), userId(e), null, text(e.message()),
        clock.instant(), List.of(), null, false, null, e.message() == null ? null : e.message().id());
  }

  private static String text(MessageContent content) {
    if (content instanceof TextMessageContent t) {
      return t.text();
    }
    if (content instanceof StickerMessageContent s) {
      return LineTexts.sticker(s);
    }
    if (content instanceof LocationMessageContent l) {
      return LineTexts.location(l);
    }
    if (content instanceof ImageMessageContent i) {
      return "[画像]" + elsewhere(i.contentProvider());
    }
    if (content instanceof VideoMessageContent v) {
      return "[動画]" + elsewhere(v.contentProvider());
    }
    if (content instanceof AudioMessageContent a) {
      return "[音声]" + elsewhere(a.contentProvider());
    }
    if (content instanceof FileMessageContent f) {
      return "[ファイル] " + (f.fileName() == null ? "" : f.fileName());
    }
    return "[LINEのメッセージ(この種類は表示できません)]";
  }

  /**
   * Where an image, video or audio sent from a LIFF app ({@code liff.sendMessages}) is: such content stays on the
   * sender's server and LINE's content API has nothing to give, so its address is all staff can have.
   */
  private static String elsewhere(ContentProvider provider) {
    return external(provider) && provider.originalContentUrl() != null
        ? " " + provider.originalContentUrl() : "";
  }

  private static boolean external(ContentProvider provider) {
    return provider != null && provider.type() == ContentProvider.Type.EXTERNAL;
  }

  private Future<Void> saveReplyTokens(List<MessageEvent> events) {
    Future<Void> chain = Future.succeededFuture();
    Instant expires = clock.instant().plus(LineSettings.REPLY_TOKEN_LIFETIME);
    for (MessageEvent e : events) {
      // A redelivered event's token is old (LINE redelivers minutes to hours later): kept as fresh, it would be tried
      // in place of a push and fail.
      if (e.replyToken() != null && !redelivered(e)) {
        chain = chain.compose(v -> connector.store().saveReplyToken(LineConnector.CHANNEL, userId(e), e.replyToken(), expires));
      }
    }
    return chain;
  }

  /**
   * The resident took a message back: its text and attachments are erased, not only hidden, and the erasure is
   * audited. A message id that is not theirs, unknown, or already taken back changes nothing.
   */
  private Future<Void> unsend(UnsendEvent event) {
    String messageId = event.unsend() == null ? null : event.unsend().messageId();
    if (sender(event) == null || messageId == null) {
      metrics.increment("line_events_total", "kind", "ignored");
      return Future.succeededFuture();
    }
    return pipeline.unsend(LineConnector.CHANNEL, sender(event), messageId).compose(erased -> {
      metrics.increment("line_events_total", "kind", erased.isPresent() ? "unsend" : "unsend_unknown");
      if (erased.isEmpty()) {
        // Not stored (yet): its delivery may have failed and be redelivered after this one, or still be committing (a
        // busy database): it must not be kept either way. Remembered for the redelivery; tried once more for the other.
        if (!(event.source() instanceof UserSource)) {
          return Future.succeededFuture();
        }
        String user = sender(event);
        return connector.store().unsentEarly(user, messageId).onSuccess(v -> connector.vertx().setTimer(
            unsendAgain.toMillis(), id -> pipeline.unsend(LineConnector.CHANNEL, user, messageId)
                .compose(late -> late.isEmpty() ? Future.succeededFuture() : connector.store().forgetMedia(late.get().messageId()))
                .onFailure(err -> LOG.atWarn().addKeyValue("error", DatabaseFailures.describe(err))
                    .log("LINE unsend tried again, not applied"))));
      }
      LOG.atInfo().addKeyValue("messageId", erased.get().messageId()).addKeyValue("caseId", erased.get().caseId())
          .log("LINE message unsent by the resident: content erased");
      return connector.store().forgetMedia(erased.get().messageId());
    });
  }

  private Future<Void> handleOthers(List<Event> events) {
    Future<Void> chain = Future.succeededFuture();
    for (Event event : events) {
      chain = chain.compose(v -> handleOther(event));
    }
    return chain;
  }

  private Future<Void> handleOther(Event event) {
    if (event instanceof UnsendEvent u) {
      return unsend(u);
    }
    String user = userId(event);
    boolean known = event instanceof FollowEvent || event instanceof UnfollowEvent || event instanceof PostbackEvent;
    if (!known || user == null || event.webhookEventId() == null) {
      metrics.increment("line_events_total", "kind", "ignored");
      LOG.atInfo().addKeyValue("type", event.getClass().getSimpleName()).log("LINE event acknowledged, not handled");
      return Future.succeededFuture();
    }
    // The event is recorded as handled only after its action: recorded first, a failed action answered 500 would
    // make LINE redeliver an event already marked done, and a consent (asked for once) would be lost. Each action
    // may run twice (a redelivery racing the first delivery); the reply goes only with the delivery that records it.
    return connector.store().delivered(LineConnector.CHANNEL, event.webhookEventId()).compose(seen -> {
      if (seen) {
        metrics.increment("line_events_total", "kind", "redelivered");
        return Future.succeededFuture();
      }
      return otherAction(event, user).compose(reply -> connector.store()
          .firstDelivery(LineConnector.CHANNEL, event.webhookEventId())
          .onSuccess(first -> {
            if (first) {
              reply.run();
            }
          })
          .mapEmpty());
    });
  }

  /**
   * When LINE says the event happened: follows and unfollows are applied in that order, not in the order they arrive
   * (a redelivery comes late). Only their order is read from it; the desk's hours and deadlines keep the gateway's clock.
   */
  private Instant happenedAt(Event event) {
    return event.timestamp() == null ? clock.instant() : Instant.ofEpochMilli(event.timestamp());
  }

  /** Follow, unfollow or consent applied (each is idempotent); completes with its reply, sent once recorded. */
  private Future<Runnable> otherAction(Event event, String user) {
    if (event instanceof FollowEvent f) {
      metrics.increment("line_events_total", "kind", "follow");
      // No greeting when a later unfollow was already applied: it would be pushed to someone who blocked the desk.
      return contacts.setReachable(officeId, LineConnector.CHANNEL, user, true, happenedAt(event))
          .map(applied -> {
            Runnable greet = () -> replyOrPush(event, f.replyToken(), user, LineTexts.greeting(profile), "greeting");
            return applied ? greet : () -> { };
          });
    }
    if (event instanceof UnfollowEvent) {
      metrics.increment("line_events_total", "kind", "unfollow");
      return contacts.setReachable(officeId, LineConnector.CHANNEL, user, false, happenedAt(event)).map(v -> () -> { });
    }
    PostbackEvent p = (PostbackEvent) event;
    String data = p.postback() == null ? null : p.postback().data();
    if (data != null && data.startsWith(LineTexts.CONSENT_POSTBACK)) {
      metrics.increment("line_events_total", "kind", "consent");
      String version = data.substring(LineTexts.CONSENT_POSTBACK.length());
      return contacts.recordConsent(officeId, LineConnector.CHANNEL, user, version, "ja")
          .map(c -> () -> replyOrPush(event, p.replyToken(), user, LineTexts.consentThanks(), "consent thanks"));
    }
    return Future.succeededFuture(() -> { });
  }

  /**
   * Answers a follow or a consent with its reply token (free); when there is none fit to use (a redelivery's is old) or
   * LINE refuses it, pushes instead, under a retry key made from the event, so the greeting with its privacy notice and
   * consent button is not lost to a late delivery. After a 5xx or no answer the reply may have arrived: no push then
   * (a greeting twice is worse than the consent button, which every automatic message carries until consent).
   */
  private void replyOrPush(Event event, String replyToken, String user,
                           List<com.linecorp.bot.messaging.model.Message> reply, String what) {
    LineApi api = connector.api();
    java.util.function.Supplier<Future<Void>> push = () -> api.push(user, reply, java.util.UUID.nameUUIDFromBytes(
        (what + "/" + event.webhookEventId()).getBytes(StandardCharsets.UTF_8))).mapEmpty();
    Future<Void> sent = replyToken == null || redelivered(event) ? push.get()
        : api.reply(replyToken, reply).recover(err -> {
          int status = LineApi.status(err);
          return status == 0 || status >= 500 ? Future.failedFuture(err) : push.get();
        });
    sent.onFailure(err -> LOG.atWarn().addKeyValue("what", what).addKeyValue("status", LineApi.status(err))
        .log("LINE reply not sent"));
  }

  /** After LINE has its 200: display names for new contacts, media bytes for media messages. */
  private void afterAnswer(List<MessageEvent> events, List<IngestResult> results) {
    for (int i = 0; i < events.size(); i++) {
      MessageEvent e = events.get(i);
      IngestResult r = results.get(i);
      if (r.duplicate()) {
        continue;
      }
      if (r.caseOpened()) {
        connector.api().displayName(userId(e))
            .compose(name -> contacts.nameIfMissing(officeId, LineConnector.CHANNEL, userId(e), name))
            .onFailure(err -> LOG.atInfo().addKeyValue("caseId", r.caseId()).addKeyValue("status", LineApi.status(err))
                .log("LINE profile not read"));
      }
      mediaOf(e, r).ifPresent(media::fetchFirst);
    }
  }

  /** The media files of these messages, to record before the 200 so none is lost if the fetch after it is not made. */
  private static List<PendingMedia> mediaOf(List<MessageEvent> events, List<IngestResult> results) {
    List<PendingMedia> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      mediaOf(events.get(i), results.get(i)).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<PendingMedia> mediaOf(MessageEvent e, IngestResult stored) {
    MessageContent content = e.message();
    String kind = content instanceof ImageMessageContent ? "image" : content instanceof VideoMessageContent ? "video"
        : content instanceof AudioMessageContent ? "audio" : content instanceof FileMessageContent ? "file" : null;
    ContentProvider provider = content instanceof ImageMessageContent i ? i.contentProvider()
        : content instanceof VideoMessageContent v ? v.contentProvider()
        : content instanceof AudioMessageContent a ? a.contentProvider() : null;
    if (kind == null || external(provider)) {
      return Optional.empty();
    }
    // The name is the resident's words: cleaned like them, so a control character cannot make the commit fail.
    String fileName = content instanceof FileMessageContent f ? InboundText.oneLine(f.fileName(), MAX_FILE_NAME) : null;
    return Optional.of(new PendingMedia(stored.messageId(), content.id(), kind, fileName, 0));
  }
}
