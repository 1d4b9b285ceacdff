package jp.kurashi.connectors.webchat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.pipeline.InboundText;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.connectors.webchat.WebchatStore.ChatLine;
import jp.kurashi.connectors.webchat.WebchatStore.ChatSession;
import jp.kurashi.core.store.DatabaseFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One resident's open chat socket: the protocol of docs/webchat-protocol.md. Every bad frame gets
 * an error frame and the socket stays usable; a message is acknowledged only after it is committed.
 */
final class ChatSocket implements ChatEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(ChatSocket.class);
  static final int MAX_CLIENT_ID = 100;
  private static final long TYPING_INTERVAL_MS = 2_000;
  /** Acks whose message events may still be on their way: more than a resident sends before after-commit ends. */
  private static final int RECENT_ACKS = 8;
  /**
   * How long before the client's last message a replay looks back as well. Two pushes can reach a socket out of order
   * (events from several instances, a reply sent while another tab's message is pushed), and a socket can drop between
   * them; the client skips what it has, so a minute of overlap costs a few frames and covers far more than that skew.
   */
  private static final Duration REPLAY_OVERLAP = Duration.ofMinutes(1);
  /** How long a catch-up after missed events may wait: thousands of sockets spread their reads over it. */
  private static final Duration CATCH_UP_SPREAD = Duration.ofSeconds(5);

  private final ServerWebSocket ws;
  private final ChatSession session;
  private final Deps deps;
  private final SlidingWindow rate;
  private final String address;
  private final RecentIds acked = new RecentIds(RECENT_ACKS);
  /** The newest message id this socket showed or acknowledged, or the client's cursor: a catch-up replays after it. */
  private final AtomicLong newestShown = new AtomicLong();
  /** The socket's own event loop: a catch-up asked for from another thread runs here, as its frames do. */
  private final Context context;
  private Long contactId;
  /** The notice this socket's resident agreed to on it; a consent repeated for it is answered without the database. */
  private String consentedVersion;
  private long lastCaseId;
  private long lastTypingAt;
  private boolean closed;
  /** This side is closing: nothing more may be written. An end comes on the thread of whoever ended the chat. */
  private final AtomicBoolean closing = new AtomicBoolean();

  /** What every socket shares. */
  record Deps(long officeId, WebchatStore store, ContactStore contacts, InboundPipeline pipeline, CaseEvents events,
              ChatSockets sockets, OfficeProfile profile, WebchatSettings settings, WebchatQuotas quotas,
              GatewayMetrics metrics, Clock clock) {
  }

  /** {@code address}: the client's, as the upgrade request resolved it; the messages quota counts under it. */
  ChatSocket(ServerWebSocket ws, ChatSession session, String address, Deps deps) {
    this.ws = ws;
    this.address = address;
    this.session = session;
    this.deps = deps;
    this.rate = new SlidingWindow(deps.settings().rateLimitMessages(), deps.settings().rateWindow().toMillis());
    this.contactId = session.consentAt() == null ? null : session.contactId();
    this.context = Vertx.currentContext();
  }

  /**
   * Starts handling frames; replays the conversation after {@code afterId} when given. A socket over its session's
   * limit is refused and closed.
   */
  void start(Long afterId) {
    // The resident may have left while the token was checked; Vert.x refuses handlers on a closed socket, and a
    // socket registered now would never be let go.
    if (ws.isClosed()) {
      return;
    }
    ChatSockets.Admission admission = deps.sockets().opened(session.id(), this, deps.settings().maxSocketsPerSession());
    if (admission == ChatSockets.Admission.ENDED) {
      revoked();
      return;
    }
    if (admission == ChatSockets.Admission.TOO_MANY) {
      deps.metrics().increment("webchat_sockets_refused_total");
      LOG.atInfo().addKeyValue("sessionId", session.id()).log("chat socket refused: too many open for its session");
      ws.writeTextMessage(Frames.error("too_many_sockets", "この会話はほかの画面でたくさん開かれています。使っていないタブを"
          + "閉じてください / this chat is open in too many tabs or devices; close those you no longer use", null));
      ws.close(Frames.CLOSE_TOO_MANY, "too_many_sockets");
      return;
    }
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> reject("binary_not_supported", "binary frames are not supported", null));
    ws.exceptionHandler(err -> LOG.atDebug().addKeyValue("sessionId", session.id()).log("chat socket error"));
    ws.closeHandler(v -> {
      closed = true;
      deps.sockets().closed(session.id(), this);
      if (contactId != null) {
        deps.sockets().unregister(contactId, this);
      }
    });
    if (contactId != null && !deps.sockets().register(contactId, this)) {
      revoked();
      return;
    }
    deps.metrics().increment("webchat_sockets_opened_total");
    if (afterId != null) {
      shown(afterId);
      replay(afterId, 0);
    }
  }

  /** Replays the chat the client may have missed after {@code afterId}, in batches each going on after {@code from}. */
  private void replay(long afterId, long from) {
    deps.metrics().increment("webchat_replay_reads_total");
    Future<List<ChatLine>> batch = deps.store().conversation(session.contactRef(), afterId, REPLAY_OVERLAP, from,
        deps.settings().replayBatch());
    batch.onComplete(ar -> {
      // Once the resident has left, the rest of the history would be read for nobody.
      if (gone()) {
        return;
      }
      if (ar.failed()) {
        send(Frames.error("replay_failed", "履歴を読み込めませんでした / could not load history", null));
        return;
      }
      List<ChatLine> lines = ar.result();
      lines.forEach(this::show);
      if (lines.size() == deps.settings().replayBatch()) {
        long next = lines.get(lines.size() - 1).id();
        if (ws.writeQueueFull()) {
          // A slow reader: the next batch waits until this one has gone out, not piled up in memory behind it.
          ws.drainHandler(v -> {
            if (!gone()) {
              ws.drainHandler(null);
              replay(afterId, next);
            }
          });
        } else {
          replay(afterId, next);
        }
      }
    });
  }

  /** Closed, or closing: a close frame already received counts, before the close handler has run. */
  private boolean gone() {
    return closed || closing.get() || ws.isClosed();
  }

  private void onText(String text) {
    if (text.length() > deps.settings().maxFrameBytes()
        || text.getBytes(StandardCharsets.UTF_8).length > deps.settings().maxFrameBytes()) {
      reject("frame_too_large", "frame is larger than " + deps.settings().maxFrameBytes() + " bytes", null);
      return;
    }
    JsonObject frame;
    try {
      frame = Frames.parse(text);
    } catch (DecodeException | ClassCastException e) {
      reject("invalid_json", "frame is not a JSON object", null);
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String t)) {
      reject("unknown_type", "frame has no type", null);
      return;
    }
    switch (t) {
      case "consent" -> onConsent(frame);
      case "message" -> onMessage(frame);
      case "typing" -> onTyping();
      default -> reject("unknown_type", "unknown frame type", null);
    }
  }

  private void onConsent(JsonObject frame) {
    if (!Boolean.TRUE.equals(frame.getValue("accepted"))) {
      reject("consent_required", "同意が必要です / consent must be accepted to chat", null);
      return;
    }
    String version = deps.profile().privacyNoticeVersion();
    Object shown = frame.getValue("version");
    if (shown != null && !version.equals(shown)) {
      // The page was loaded before the notice changed: the resident agreed to a text that is no longer the notice.
      noticeChanged();
      return;
    }
    if (contactId != null && version.equals(consentedVersion)) {
      // Agreed already on this socket: a script repeating the frame costs no database work (it is not rate limited).
      send(Frames.consent(version));
      return;
    }
    // Frames behind the consent (a message sent right after it) wait until it is answered: else they would
    // overtake it and be refused with consent_required.
    ws.pause();
    // The chat may have been ended meanwhile from a tab on another instance, which closes only sockets that had
    // consented (it knows them by contact): this one, opened before, must not begin the ended chat again.
    deps.store().state(session.contactRef(), deps.clock().instant(), deps.settings().sessionIdle()).onComplete(live -> {
      if (live.failed()) {
        consentNotSaved();
        ws.resume();
      } else if (live.result() != WebchatStore.SessionState.LIVE) {
        revoked();
      } else {
        consent(version, shown);
      }
    });
  }

  private void consent(String version, Object shown) {
    if (shown == null) {
      // An older page does not say which notice it showed, so its consent is taken only where it records nothing
      // new: else a page from before a notice change would agree to the new notice for the resident on reconnect.
      deps.contacts().find(deps.officeId(), WebchatConnector.CHANNEL, session.contactRef())
          .onSuccess(found -> {
            if (found.isPresent() && found.get().consentedTo(version)) {
              consented(found.get().id(), version);
            } else {
              noticeChanged();
            }
          })
          .onFailure(err -> consentNotSaved())
          .onComplete(ar -> ws.resume());
      return;
    }
    deps.contacts().recordConsent(deps.officeId(), WebchatConnector.CHANNEL, session.contactRef(), version,
            session.language())
        .onSuccess(contact -> {
          LOG.atInfo().addKeyValue("sessionId", session.id()).addKeyValue("contactId", contact.id())
              .addKeyValue("noticeVersion", version).log("web chat consent recorded");
          consented(contact.id(), version);
        })
        .onFailure(err -> consentNotSaved())
        .onComplete(ar -> ws.resume());
  }

  private void consented(long contact, String version) {
    if (contactId == null) {
      if (!deps.sockets().register(contact, this)) {
        revoked();
        return;
      }
      contactId = contact;
    }
    consentedVersion = version;
    send(Frames.consent(version));
  }

  private void noticeChanged() {
    reject("notice_changed", "プライバシーについての説明が変わりました。読んでから、もう一度同意してください / the privacy "
        + "notice has changed; read it and accept it again", null);
  }

  private void consentNotSaved() {
    send(Frames.error("store_failed", "保存できませんでした。もう一度お試しください / not saved, please retry", null));
  }

  /**
   * A message's or an upload's client id, or null when it is not one. A NUL would reach the database in the message's
   * external id, which PostgreSQL refuses: that fails the whole group commit the message is in, other chats' with it.
   */
  static String clientId(Object raw) {
    return raw instanceof String s && !s.isBlank() && s.length() <= MAX_CLIENT_ID
        && s.chars().noneMatch(Character::isISOControl) ? s : null;
  }

  private void onMessage(JsonObject frame) {
    long receivedAt = System.nanoTime();
    String clientId = clientId(frame.getValue("clientId"));
    if (clientId == null) {
      reject("invalid_client_id", "clientId must be a string of 1 to " + MAX_CLIENT_ID
          + " characters without control characters", null);
      return;
    }
    if (contactId == null) {
      reject("consent_required", "先にプライバシーについての説明に同意してください / accept the privacy notice first", clientId);
      return;
    }
    Object rawText = frame.getValue("text");
    // Judged as it would be stored: the pipeline drops NUL and other control characters, so a text of only those
    // would be an empty message.
    if (!(rawText instanceof String text) || InboundText.clean(text).isBlank()) {
      reject("text_required", "text is required", clientId);
      return;
    }
    if (text.length() > deps.settings().maxTextLength()) {
      reject("text_too_long", "メッセージは" + deps.settings().maxTextLength() + "文字までです / text is longer than "
          + deps.settings().maxTextLength() + " characters", clientId);
      return;
    }
    if (!rate.tryAcquire(deps.clock().millis())) {
      reject("rate_limited", "少し時間をおいて送ってください / too many messages, please wait a moment", clientId);
      return;
    }
    // Frames behind this one wait for the quota's answer (from Redis, perhaps), so messages are stored in the
    // order they were sent.
    ws.pause();
    deps.quotas().messages().acquire(address).onComplete(ar -> {
      if (ar.succeeded() && !ar.result().allowed()) {
        deps.metrics().increment("webchat_rate_limited_total", "limit", "messages");
        reject("rate_limited", "この回線からの送信が多すぎます。少し待ってから送ってください / too many messages from "
            + "this network; send again in a moment", clientId, ar.result().retryAfterSeconds());
      } else {
        store(clientId, text, receivedAt);
      }
      ws.resume();
    });
  }

  /** Hands the message to the pipeline; acknowledged only once committed. */
  private void store(String clientId, String text, long receivedAt) {
    InboundMessage message = new InboundMessage(WebchatConnector.CHANNEL, session.contactRef() + "/" + clientId,
        session.contactRef(), null, text, deps.clock().instant());
    deps.pipeline().receive(message).onComplete(ar -> {
      if (ar.failed()) {
        LOG.atWarn().addKeyValue("sessionId", session.id()).addKeyValue("error", DatabaseFailures.describe(ar.cause()))
            .log("web chat message not stored");
        send(Frames.error("store_failed", "送信できませんでした。もう一度お試しください / not saved, please resend", clientId));
        return;
      }
      lastCaseId = ar.result().caseId();
      acked.add(ar.result().messageId());
      shown(ar.result().messageId());
      deps.metrics().observe(GatewayMetrics.INBOUND_ACK_SECONDS, "channel", WebchatConnector.CHANNEL,
          System.nanoTime() - receivedAt);
      send(Frames.ack(clientId, ar.result().messageId()));
    });
  }

  private void onTyping() {
    long now = deps.clock().millis();
    if (contactId == null || lastCaseId == 0 || now - lastTypingAt < TYPING_INTERVAL_MS) {
      return;
    }
    lastTypingAt = now;
    deps.events().publish(new CaseEvent(CaseEvent.RESIDENT_TYPING, deps.officeId(), lastCaseId, contactId, null,
        WebchatConnector.CHANNEL, deps.clock().instant()));
  }

  /**
   * Sends a message of this chat (a staff reply, or the resident's own from another tab); not the resident's own
   * message acknowledged on this socket, which would cost a read and a frame the client ignores.
   */
  @Override
  public void push(long messageId) {
    Long contact = contactId;
    if (closed || contact == null || acked.contains(messageId)) {
      return;
    }
    deps.store().line(messageId, contact).onSuccess(line -> line.ifPresent(this::show));
  }

  private void show(ChatLine line) {
    shown(line.id());
    send(Frames.message(line));
  }

  private void shown(long messageId) {
    newestShown.accumulateAndGet(messageId, Math::max);
  }

  /**
   * Catches up after events may have been missed: closes if the chat was ended meanwhile (on another instance, whose
   * event did not come), else replays from the newest message shown, with the replay's usual overlap. Each socket waits
   * a random moment up to {@link #CATCH_UP_SPREAD}, so thousands of sockets do not all read at once.
   */
  @Override
  public void eventsMissed() {
    if (context == null) {
      return;
    }
    long delay = 1 + ThreadLocalRandom.current().nextLong(CATCH_UP_SPREAD.toMillis());
    context.runOnContext(v -> context.owner().setTimer(delay, id -> catchUp()));
  }

  private void catchUp() {
    if (gone()) {
      return;
    }
    deps.store().state(session.contactRef(), deps.clock().instant(), deps.settings().sessionIdle()).onComplete(live -> {
      if (gone() || live.failed()) {
        return; // the database unreachable too: the client's next reconnect replays
      }
      if (live.result() != WebchatStore.SessionState.LIVE) {
        revoked();
      } else if (contactId != null) {
        replay(newestShown.get(), 0);
      }
    });
  }

  /** Closes as ended when the session no longer has the token this socket was opened with. */
  @Override
  public void tokenMoved() {
    if (context == null) {
      return;
    }
    context.runOnContext(v -> {
      if (gone()) {
        return;
      }
      deps.store().holdsToken(session.id(), session.tokenHash()).onSuccess(holds -> {
        if (!holds) {
          closeUnauthorized(Frames.moved());
        }
      }); // the database unreachable: the old token is refused at the socket's next connect
    });
  }

  /** The session was ended: say so with the protocol's auth error and close, as a refused token would. */
  @Override
  public void revoked() {
    closeUnauthorized(Frames.error("unknown_token", "この会話は終了しました / this chat has ended", null));
  }

  /**
   * Says why and closes with 4401, once: an end or a move reaches a socket both from its own instance and through the
   * bus, and a frame written after the close frame makes the browser drop the socket as broken (1006), not 4401.
   */
  private void closeUnauthorized(String frame) {
    if (closed || !closing.compareAndSet(false, true)) {
      return;
    }
    write(frame);
    ws.close(Frames.CLOSE_UNAUTHORIZED, "unknown_token");
  }

  @Override
  public void staffTyping() {
    send(Frames.typing());
  }

  private void reject(String code, String message, String clientId) {
    deps.metrics().increment("webchat_frames_rejected_total", "reason", code);
    send(Frames.error(code, message, clientId));
  }

  private void reject(String code, String message, String clientId, long retryAfterSeconds) {
    deps.metrics().increment("webchat_frames_rejected_total", "reason", code);
    send(Frames.error(code, message, clientId, retryAfterSeconds));
  }

  private void send(String frame) {
    if (!closing.get()) {
      write(frame);
    }
  }

  private void write(String frame) {
    if (!closed) {
      ws.writeTextMessage(frame).onFailure(err -> LOG.atDebug().log("chat frame not written"));
    }
  }
}
