package jp.kurashi.connectors.webchat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jp.kurashi.core.security.Framing;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.limits.RateDecision;
import jp.kurashi.core.limits.RateLimiter;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.Hotline;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.DatabaseFailures;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.connectors.webchat.WebchatStore.ChatSession;
import jp.kurashi.connectors.webchat.WebchatStore.MovedChat;
import jp.kurashi.connectors.webchat.WebchatStore.SessionChat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The resident side of the web chat: sessions, the socket, image uploads, the desk's public
 * profile, and the static widget and chat page.
 *
 * <pre>{@code
 * new WebchatRoutes(deps).mount(router);   // /webchat/*, /chat
 * }</pre>
 */
public final class WebchatRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(WebchatRoutes.class);
  /** Languages with a message file under webchat/i18n. */
  static final Set<String> LANGUAGES = Set.of("ja", "en");

  private final ChatSocket.Deps deps;

  public WebchatRoutes(long officeId, WebchatStore store, jp.kurashi.core.store.ContactStore contacts,
                       InboundPipeline pipeline, jp.kurashi.core.bus.CaseEvents events, ChatSockets sockets,
                       OfficeProfile profile, WebchatSettings settings, WebchatQuotas quotas, GatewayMetrics metrics,
                       Clock clock) {
    this.deps = new ChatSocket.Deps(officeId, store, contacts, pipeline, events, sockets, profile, settings, quotas,
        metrics, clock);
    metrics.gauge("webchat_sockets_open", sockets::openCount);
  }

  /** The chat page ({@code webchat/chat.html}), read once with the class. */
  private static final io.vertx.core.buffer.Buffer CHAT_PAGE = chatPage();

  private static io.vertx.core.buffer.Buffer chatPage() {
    try (var in = WebchatRoutes.class.getResourceAsStream("/webchat/chat.html")) {
      if (in == null) {
        throw new IllegalStateException("webchat/chat.html is missing from the build");
      }
      return io.vertx.core.buffer.Buffer.buffer(in.readAllBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Adds the web chat routes to {@code router}. */
  public void mount(Router router) {
    mount(router, "");
  }

  /**
   * Adds the web chat routes of one office: its API under {@code /webchat} + {@code officePath} and its page at
   * {@code /chat} + {@code officePath}; the widget and its texts are the same for every office (the widget finds its
   * office in {@code widget.js?office=} or the page's path). Mounting twice (two offices) adds the shared handlers
   * twice, which changes nothing: the first answers.
   */
  public void mount(Router router, String officePath) {
    String api = "/webchat" + officePath;
    // The widget runs on the ward's own site; no cookies are involved, so any origin may call.
    router.route("/webchat/*").handler(CorsHandler.create()
        .addOrigin("*")
        .allowedMethods(Set.of(io.vertx.core.http.HttpMethod.GET, io.vertx.core.http.HttpMethod.POST,
            io.vertx.core.http.HttpMethod.DELETE))
        .allowedHeaders(Set.of("Content-Type", "X-Chat-Token", "X-Client-Id", "Authorization")));
    router.post(api + "/sessions").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::createSession);
    router.delete(api + "/sessions/current").handler(this::endSession);
    router.post(api + "/sessions/current/code").handler(this::resumeCode);
    router.post(api + "/sessions/resume").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::resume);
    router.get(api + "/socket").handler(this::socket);
    router.get(api + "/config").handler(this::config);
    // Who uploads is checked from the headers before the body is read: else anyone could make the gateway hold
    // an upload's megabytes per request, with a made-up token, as fast as they could open connections.
    // (The body handler is called from a handler of ours: Vert.x Web refuses a body handler after a user one.)
    BodyHandler uploadBody = BodyHandler.create(false).setBodyLimit(deps.settings().maxUploadBytes());
    router.post(api + "/uploads")
        .handler(this::uploader)
        .handler(this::uploadDeadline)
        .handler(uploadBody::handle)
        .handler(this::storeUpload);
    // Served here, not rerouted to the static file: each office's page lifts the framing refusal for that office's
    // sites (a reroute reached the first office's handler, and every office's page got its list). Not cached: a page
    // kept from before an upgrade would load scripts of the upgrade.
    router.get("/chat" + officePath).handler(ctx -> {
      Framing.allow(ctx.response(), deps.settings().frameAncestors());
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache")
          .end(CHAT_PAGE);
    });
    router.route("/webchat/*").handler(StaticHandler.create("webchat")
        .setDefaultContentEncoding("UTF-8")
        .setMaxAgeSeconds(300));
    router.route("/webchat/*").failureHandler(this::failure);
  }

  /**
   * Cuts off an upload whose body has not all arrived within {@code uploadTimeout}: the body is held in memory as it
   * comes, so one that stalls would otherwise keep its megabytes for as long as the sender keeps the connection.
   */
  private void uploadDeadline(RoutingContext ctx) {
    Vertx vertx = ctx.vertx();
    long timer = vertx.setTimer(deps.settings().uploadTimeout().toMillis(), id -> {
      if (!ctx.request().isEnded()) {
        deps.metrics().increment("webchat_uploads_cut_off_total");
        ctx.request().connection().close();
      }
    });
    ctx.addEndHandler(done -> vertx.cancelTimer(timer));
    ctx.next();
  }

  private void createSession(RoutingContext ctx) {
    String language = "ja";
    if (ctx.body() != null && ctx.body().length() > 0) {
      try {
        JsonObject body = ctx.body().asJsonObject();
        if (body != null && body.getValue("language") instanceof String l && LANGUAGES.contains(l)) {
          language = l;
        }
      } catch (RuntimeException e) {
        json(ctx, 400, error("invalid_json", "request body must be a JSON object"));
        return;
      }
    }
    String chosen = language;
    deps.quotas().sessions().acquire(address(ctx)).onSuccess(decision -> {
      if (!decision.allowed()) {
        tooMany(ctx, "sessions", decision, "too_many_sessions",
            "この回線から新しい会話が多く始められています。しばらくしてからお試しください / too many new chats from this "
                + "network; please try again later");
        return;
      }
      String token = SecretTokens.newToken();
      String contactRef = "wc-" + SecretTokens.newToken();
      deps.store().create(deps.officeId(), SecretTokens.hash(token), contactRef, chosen, deps.clock().instant())
          .onSuccess(v -> {
            deps.metrics().increment("webchat_sessions_created_total");
            json(ctx, 201, new JsonObject().put("token", token));
          })
          .onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  /** 429 with Retry-After and the seconds in the body too, for clients that cannot read the header. */
  private void tooMany(RoutingContext ctx, String limit, RateDecision decision, String code, String message) {
    deps.metrics().increment("webchat_rate_limited_total", "limit", limit);
    ctx.response().putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
    json(ctx, 429, error(code, message).put("retryAfter", decision.retryAfterSeconds()));
  }

  private String address(RoutingContext ctx) {
    return deps.quotas().addresses().of(ctx.request());
  }

  private void socket(RoutingContext ctx) {
    Long after;
    try {
      String raw = ctx.queryParams().get("after");
      after = raw == null ? null : Long.parseLong(raw);
    } catch (NumberFormatException e) {
      json(ctx, 400, error("invalid_after", "after must be a message id"));
      return;
    }
    String token = ctx.queryParams().get("token");
    if (token == null || token.isEmpty()) {
      // The widget's way: the token comes in the first frame, so it never sits in a URL, a proxy's access log
      // or the browser's history.
      String address = address(ctx);
      ctx.request().toWebSocket()
          .onSuccess(ws -> awaitAuthFrame(ctx.vertx(), ws, address, after))
          .onFailure(err -> LOG.atDebug().addKeyValue("error", err.getClass().getName()).log("websocket upgrade failed"));
      return;
    }
    // Deprecated: the token in the query string, checked before the upgrade.
    ctx.request().pause();
    session(token).onComplete(ar -> {
      if (ar.failed()) {
        ctx.request().resume();
        ctx.fail(ar.cause());
        return;
      }
      if (ar.result().isEmpty()) {
        ctx.request().resume();
        deps.metrics().increment("webchat_sockets_refused_total");
        json(ctx, 401, error("unknown_token", "unknown chat token"));
        return;
      }
      ChatSession session = ar.result().get();
      String address = address(ctx);
      ctx.request().toWebSocket()
          .onSuccess(ws -> new ChatSocket(ws, session, address, deps).start(after))
          .onFailure(err -> LOG.atDebug().addKeyValue("error", err.getClass().getName()).log("websocket upgrade failed"));
    });
  }

  /**
   * Waits for {@code {"type":"auth","token":...}} as the socket's first frame; anything else, or nothing within
   * the auth timeout, gets the protocol's error frame and the socket is closed with 4401.
   */
  private void awaitAuthFrame(Vertx vertx, ServerWebSocket ws, String address, Long after) {
    long timer = vertx.setTimer(deps.settings().authTimeout().toMillis(),
        id -> refuse(ws, "auth_required", "最初に auth フレームを送ってください / send the auth frame first"));
    ws.closeHandler(v -> vertx.cancelTimer(timer));
    ws.binaryMessageHandler(b -> {
      vertx.cancelTimer(timer);
      refuse(ws, "auth_required", "最初に auth フレームを送ってください / send the auth frame first");
    });
    ws.textMessageHandler(text -> {
      vertx.cancelTimer(timer);
      // Frames sent right behind the auth frame wait until the chat socket takes over.
      ws.pause();
      ws.textMessageHandler(ignored -> { });
      String token = authToken(text);
      if (token == null) {
        refuse(ws, "auth_required", "最初のフレームは {\"type\":\"auth\",\"token\":…} です / the first frame must be auth");
        return;
      }
      session(token).onComplete(ar -> {
        if (ar.failed()) {
          ws.writeTextMessage(Frames.error("unavailable", "ただいま混み合っています / please try again shortly", null));
          ws.close((short) 1011, "unavailable");
        } else if (ar.result().isEmpty()) {
          refuse(ws, "unknown_token", "この会話は使えません。新しく始めてください / unknown or ended chat token");
        } else {
          ws.writeTextMessage(Frames.authenticated());
          new ChatSocket(ws, ar.result().get(), address, deps).start(after);
          ws.resume();
        }
      });
    });
  }

  /** The token of a well-formed auth frame, else {@code null}. */
  private String authToken(String text) {
    if (text.length() > deps.settings().maxFrameBytes()) {
      return null;
    }
    try {
      JsonObject frame = new JsonObject(text);
      return "auth".equals(frame.getValue("type")) && frame.getValue("token") instanceof String t && !t.isBlank()
          && t.length() <= 200 ? t : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private void refuse(ServerWebSocket ws, String code, String message) {
    deps.metrics().increment("webchat_sockets_refused_total");
    if (ws.isClosed()) {
      return;
    }
    ws.writeTextMessage(Frames.error(code, message, null));
    ws.close(Frames.CLOSE_UNAUTHORIZED, code);
  }

  /**
   * The live session of this token (not revoked, not idle too long), marked as used now. Only a session of this
   * office: a token of another office's chat opens nothing here, or its messages would land in this office's cases.
   */
  private Future<Optional<ChatSession>> session(String token) {
    return deps.store().byTokenHash(SecretTokens.hash(token), deps.clock().instant(), deps.settings().sessionIdle())
        .map(found -> found.filter(s -> s.officeId() == deps.officeId()));
  }

  /**
   * Ends the chat for good: the token opens nothing any more, and its sockets close here at once and on every other
   * instance through the bus (a tab left open on a shared PC would otherwise go on showing replies).
   */
  private void endSession(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      json(ctx, 401, error("unknown_token", "X-Chat-Token is required"));
      return;
    }
    deps.store().revoke(SecretTokens.hash(token), deps.clock().instant()).onSuccess(found -> {
      if (found.isEmpty()) {
        json(ctx, 401, error("unknown_token", "unknown chat token"));
        return;
      }
      SessionChat ended = found.get();
      deps.sockets().endSession(ended.sessionId());
      if (ended.contactId() != null) {
        tellInstances(CaseEvent.CHAT_ENDED, ended.officeId(), ended.contactId());
      }
      deps.metrics().increment("webchat_sessions_ended_total");
      LOG.atInfo().addKeyValue("sessionId", ended.sessionId()).log("web chat ended by the resident");
      ctx.response().setStatusCode(204).end();
    }).onFailure(ctx::fail);
  }

  /**
   * A new resume code for the chat of this token, replacing any earlier one: with it the resident can forget the chat
   * on a shared PC and open it again later, on any device. Shown once; only its hash is kept.
   */
  private void resumeCode(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      json(ctx, 401, error("unknown_token", "X-Chat-Token is required"));
      return;
    }
    // Counted as a message is: each code is a write, and nothing else bounds how often a token may ask. Before consent
    // the chat has no contact, and a move could not reach its sockets on other instances.
    consentedChat(ctx, token, deps.quotas().messages(), "messages", "rate_limited",
        "少し待ってからお試しください / please try again shortly").compose(chat -> {
      if (chat == null) {
        return Future.succeededFuture();
      }
      String code = ResumeCodes.newCode();
      return deps.store().setResumeCode(chat, SecretTokens.hash(ResumeCodes.normalise(code))).map(set -> {
        if (!set) {
          json(ctx, 401, error("unknown_token", "unknown chat token"));
        } else {
          deps.metrics().increment("webchat_resume_codes_total");
          ctx.response().putHeader("Cache-Control", "no-store");
          json(ctx, 201, new JsonObject().put("code", code));
        }
        return null;
      });
    }).onFailure(ctx::fail);
  }

  /**
   * Opens a chat again by its resume code: a new token for it, and the old token opens nothing from now on (its
   * sockets close, here and on every instance). Counted against the address's new-chat quota, right or wrong, so
   * codes cannot be tried in bulk (80 random bits would outlast any such try anyway).
   */
  private void resume(RoutingContext ctx) {
    String typed;
    try {
      JsonObject body = ctx.body() == null || ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
      typed = body != null && body.getValue("code") instanceof String c ? c : null;
    } catch (RuntimeException e) {
      json(ctx, 400, error("invalid_json", "request body must be a JSON object"));
      return;
    }
    if (typed == null) {
      json(ctx, 400, error("code_required", "body must be {\"code\": \"...\"}"));
      return;
    }
    deps.quotas().sessions().acquire(address(ctx)).onSuccess(decision -> {
      if (!decision.allowed()) {
        tooMany(ctx, "sessions", decision, "too_many_sessions",
            "この回線から多く試されています。しばらくしてからお試しください / too many tries from this network; "
                + "please try again later");
        return;
      }
      String code = ResumeCodes.normalise(typed);
      if (code == null) {
        unknownCode(ctx);
        return;
      }
      String token = SecretTokens.newToken();
      deps.store().resume(SecretTokens.hash(code), SecretTokens.hash(token), deps.officeId(), deps.clock().instant(),
          deps.settings().sessionIdle(), MOVED_NOTE).onSuccess(found -> {
        if (found.isEmpty()) {
          unknownCode(ctx);
          return;
        }
        MovedChat moved = found.get();
        deps.sockets().moveSession(moved.sessionId());
        if (moved.contactId() != null) {
          tellInstances(CaseEvent.CHAT_MOVED, moved.officeId(), moved.contactId());
        }
        if (moved.noteId() != null) {
          deps.events().publish(new CaseEvent(CaseEvent.NOTE_ADDED, moved.officeId(), moved.caseId(), moved.contactId(),
              moved.noteId(), WebchatConnector.CHANNEL, deps.clock().instant()));
        }
        deps.metrics().increment("webchat_sessions_resumed_total");
        LOG.atInfo().addKeyValue("sessionId", moved.sessionId()).log("web chat opened again with its resume code");
        ctx.response().putHeader("Cache-Control", "no-store");
        json(ctx, 201, new JsonObject().put("token", token));
      }).onFailure(ctx::fail);
    }).onFailure(ctx::fail);
  }

  /** A chat's end or move, for every instance's sockets of it (not a case event: consoles are not told). */
  private void tellInstances(String type, long officeId, long contactId) {
    deps.events().publish(new CaseEvent(type, officeId, 0, contactId, null, WebchatConnector.CHANNEL,
        deps.clock().instant()));
  }

  private void unknownCode(RoutingContext ctx) {
    deps.metrics().increment("webchat_resume_refused_total");
    json(ctx, 404, error("unknown_code", "このコードの会話は見つかりません。終了したか、新しいコードに替わっています / no chat "
        + "has this code: it ended, or a newer code replaced it"));
  }

  private void config(RoutingContext ctx) {
    // Set.of(...).contains(null) throws: a page asking without ?lang= must get Japanese, not a 500.
    String requested = ctx.queryParams().get("lang");
    String lang = requested != null && LANGUAGES.contains(requested) ? requested : "ja";
    OfficeProfile p = deps.profile();
    Instant now = deps.clock().instant();
    JsonArray hotlines = new JsonArray();
    for (Hotline h : p.hotlines()) {
      hotlines.add(new JsonObject().put("name", h.name().in(lang)).put("number", h.number()).put("hours", h.hours().in(lang)));
    }
    JsonObject body = new JsonObject()
        .put("name", p.name().in(lang))
        .put("hours", p.hoursText().in(lang))
        .put("open", p.hours().isOpen(now))
        .put("nextOpening", p.hours().nextOpening(now).map(t -> t.toOffsetDateTime().toString()).orElse(null))
        .put("privacyNotice", new JsonObject().put("version", p.privacyNoticeVersion()).put("text", p.privacyNotice().in(lang)))
        .put("hotlines", hotlines)
        .put("desk", new JsonObject()
            .put("phone", p.desk().phone())
            .put("dial", p.desk().dialable().orElse(null))
            .put("address", p.desk().address() == null ? null : p.desk().address().in(lang))
            .put("mapUrl", p.desk().mapUrl() == null ? null : p.desk().mapUrl().toString())
            .put("complaints", p.desk().complaints().in(lang)))
        .put("maxTextLength", deps.settings().maxTextLength())
        .put("maxUploadBytes", deps.settings().maxUploadBytes())
        // The ward's sites that may frame the chat (the widget opens a panel there, a new tab elsewhere); the chat
        // page takes an older widget's chat only from them. Public already: the page's frame-ancestors names them.
        .put("embedOrigins", new JsonArray(deps.settings().frameAncestors()));
    ctx.response().putHeader("Cache-Control", "no-cache");
    json(ctx, 200, body);
  }

  /**
   * The note a chat's case gets when the chat is opened on another device with its code: the consultant should know, and
   * check with the resident if it was not them (a code seen over their shoulder). Staff read it, so Japanese first.
   */
  static final String MOVED_NOTE = "【自動記録】相談者が「続きのコード」で、このチャットを別の端末から開きました。前の端末では"
      + "会話を閉じています。相談者の心当たりがないときは、ほかの連絡手段で確かめてください。 / Automatic record: the resident"
      + " opened this chat on another device with its resume code, and it was closed on the device before. If the resident"
      + " did not expect this, check with them by another means.";

  /** Routing-context key of the uploading chat, checked before the body is read. */
  private static final String UPLOADER = "kurashi.webchat.uploader";

  /**
   * The upload's sender from its headers, within its network's quota, with a known chat that accepted the privacy
   * notice.
   */
  private void uploader(RoutingContext ctx) {
    // Paused until the body handler reads it; a refused upload is answered and never read.
    ctx.request().pause();
    String token = bearer(ctx);
    // Checked as a message's clientId is: the same id goes into the same column.
    String clientId = ChatSocket.clientId(ctx.request().getHeader("X-Client-Id"));
    if (token == null) {
      json(ctx, 401, error("unknown_token", "X-Chat-Token is required"));
      return;
    }
    if (clientId == null) {
      json(ctx, 400, error("invalid_client_id", "X-Client-Id must be 1 to " + ChatSocket.MAX_CLIENT_ID
          + " characters without control characters"));
      return;
    }
    consentedChat(ctx, token, deps.quotas().uploads(), "uploads", "too_many_uploads",
        "この回線からの画像の送信が多すぎます。しばらくしてからお試しください / too many images from this network; "
            + "please try again later").onSuccess(chat -> {
      if (chat != null) {
        ctx.put(UPLOADER, chat);
        ctx.next();
      }
    }).onFailure(ctx::fail);
  }

  /**
   * The chat of this token, with the privacy notice accepted, within the address's quota of {@code limiter}; {@code null}
   * when the request was refused, and answered here: over the quota (429), a token that opens nothing (401), no consent
   * yet (403). What an upload and a resume code both ask of their sender.
   */
  private Future<ChatSession> consentedChat(RoutingContext ctx, String token, RateLimiter limiter, String limit,
                                            String code, String message) {
    return limiter.acquire(address(ctx)).compose(decision -> {
      if (!decision.allowed()) {
        tooMany(ctx, limit, decision, code, message);
        return Future.succeededFuture(null);
      }
      return session(token).map(found -> {
        if (found.isEmpty()) {
          json(ctx, 401, error("unknown_token", "unknown chat token"));
          return null;
        }
        if (found.get().consentAt() == null) {
          json(ctx, 403, error("consent_required", "accept the privacy notice first"));
          return null;
        }
        return found.get();
      });
    });
  }

  private void storeUpload(RoutingContext ctx) {
    ChatSession session = ctx.get(UPLOADER);
    String clientId = ctx.request().getHeader("X-Client-Id");
    byte[] data = ctx.body() == null ? new byte[0] : ctx.body().buffer().getBytes();
    var type = ImageType.detect(data);
    if (type.isEmpty()) {
      deps.metrics().increment("webchat_uploads_rejected_total", "reason", "not_an_image");
      json(ctx, 415, error("unsupported_image", "JPEG または PNG の画像を送ってください / send a JPEG or PNG image"));
      return;
    }
    String extension = type.get().equals("image/png") ? "png" : "jpg";
    InboundMessage message = new InboundMessage(WebchatConnector.CHANNEL, session.contactRef() + "/" + clientId,
        session.contactRef(), null, "", deps.clock().instant(),
        List.of(new InboundAttachment(type.get(), "image." + extension, data)));
    deps.pipeline().receive(message)
        .onSuccess(stored -> json(ctx, 201, new JsonObject().put("id", stored.messageId())))
        .onFailure(ctx::fail);
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader("X-Chat-Token");
    if (header != null && !header.isBlank()) {
      return header.trim();
    }
    String auth = ctx.request().getHeader("Authorization");
    return auth != null && auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
  }

  private void failure(RoutingContext ctx) {
    if (ctx.response().closed()) {
      // The client left before its answer was written (a page reloaded while it fetched a script or its texts):
      // nobody to answer, and nothing failed here. Taken for the database before, and logged as it being down.
      return;
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (status == 413) {
      deps.metrics().increment("webchat_uploads_rejected_total", "reason", "too_large");
      json(ctx, 413, error("too_large", "画像が大きすぎます / the image is larger than "
          + deps.settings().maxUploadBytes() + " bytes"));
      return;
    }
    if (ctx.failure() != null && DatabaseFailures.unavailable(ctx.failure())) {
      // Nothing was stored; the widget may simply try again shortly.
      LOG.atWarn().addKeyValue("path", ctx.normalizedPath()).log("web chat request refused: database unavailable");
      json(ctx, 503, error("unavailable", "ただいま混み合っています。少し待ってもう一度お試しください / please try again shortly"));
      return;
    }
    if (ctx.failure() != null) {
      // A database error's own words may quote the values: its SQLSTATE only.
      LOG.atError().addKeyValue("path", ctx.normalizedPath()).addKeyValue("error", DatabaseFailures.describe(ctx.failure()))
          .log("web chat request failed");
    }
    json(ctx, status, error(status == 404 ? "not_found" : "internal_error", status == 404 ? "not found" : "internal error"));
  }

  private static JsonObject error(String code, String message) {
    return new JsonObject().put("error", code).put("message", message);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }
}
