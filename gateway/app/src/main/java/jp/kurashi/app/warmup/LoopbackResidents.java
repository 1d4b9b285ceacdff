package jp.kurashi.app.warmup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Residents of a scratch gateway's web chat, on loopback, as the widget talks: each opens a chat, signs in on the
 * socket, accepts the privacy notice and writes a few messages, each after the previous one's ack. A fixed number
 * write at once; their sockets stay open to the end, so the automatic notices are pushed to them as to real residents.
 */
final class LoopbackResidents {

  private final Vertx vertx;
  private final int port;
  private final List<String> texts;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger acknowledged = new AtomicInteger();
  private final AtomicInteger pushed = new AtomicInteger();
  private final List<WebSocket> open = new ArrayList<>();
  private HttpClient http;
  private WebSocketClient sockets;
  private volatile boolean stopped;
  private volatile String noticeVersion;

  /** {@code texts}: what the residents write, in turn. */
  LoopbackResidents(Vertx vertx, int port, List<String> texts) {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts to write");
    }
    this.vertx = vertx;
    this.port = port;
    this.texts = List.copyOf(texts);
  }

  /**
   * Writes {@code messages} messages, {@code perResident} from each new resident, {@code atOnce} residents at a
   * time; fails on the first refusal (a warm-up that is refused warms the wrong path).
   */
  Future<WarmUpResult> write(int messages, int perResident, int atOnce) {
    int residents = (messages + perResident - 1) / perResident;
    http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(atOnce));
    sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(residents + 1));
    return noticeVersion().compose(version -> {
      noticeVersion = version;
      List<Future<Void>> lanes = new ArrayList<>();
      for (int i = 0; i < Math.min(atOnce, residents); i++) {
        lanes.add(lane(messages, perResident));
      }
      return Future.all(lanes).map(all -> new WarmUpResult(acknowledged.get(), pushed.get()));
    });
  }

  /** The privacy notice's version, read as the widget reads it: consent names the notice the resident was shown. */
  private Future<String> noticeVersion() {
    return http.request(HttpMethod.GET, port, "127.0.0.1", "/webchat/config")
        .compose(request -> request.send())
        .compose(response -> response.statusCode() / 100 == 2 ? response.body()
            : Future.failedFuture("GET /webchat/config answered " + response.statusCode()))
        .map(body -> body.toJsonObject().getJsonObject("privacyNotice").getString("version"));
  }

  /** One resident after another, each taking the next {@code perResident} messages, until none are left. */
  private Future<Void> lane(int messages, int perResident) {
    int first = next.getAndAdd(perResident);
    if (stopped || first >= messages) {
      return Future.succeededFuture();
    }
    int last = Math.min(messages, first + perResident);
    return resident(first, last).compose(v -> lane(messages, perResident));
  }

  /** A new resident: a chat, the privacy notice accepted, then messages {@code first} to {@code last - 1}. */
  private Future<Void> resident(int first, int last) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/webchat/sessions")
        .compose(request -> request.send())
        .compose(response -> response.statusCode() / 100 == 2 ? response.body()
            : Future.failedFuture("POST /webchat/sessions answered " + response.statusCode()))
        .compose(body -> chat(body.toJsonObject().getString("token")))
        .compose(chat -> writeFrom(chat, first, last));
  }

  private Future<Chat> chat(String token) {
    return sockets.connect(port, "127.0.0.1", "/webchat/socket").compose(ws -> {
      synchronized (open) {
        open.add(ws);
      }
      Chat chat = new Chat(ws);
      ws.textMessageHandler(chat::frame);
      // A socket that closes (the gateway stopping, or abort) ends every wait on it: nothing may hang the start.
      ws.closeHandler(v -> chat.closed());
      return chat.send(new JsonObject().put("type", "auth").put("token", token), chat.signedIn)
          .compose(v -> chat.send(new JsonObject().put("type", "consent").put("accepted", true)
              .put("version", noticeVersion), chat.consented))
          .map(chat);
    });
  }

  private Future<Void> writeFrom(Chat chat, int first, int last) {
    Future<Void> written = Future.succeededFuture();
    for (int n = first; n < last; n++) {
      String clientId = "warmup-" + n;
      String text = texts.get(n % texts.size());
      written = written.compose(v -> {
        if (stopped) {
          return Future.succeededFuture();
        }
        Promise<Void> acked = Promise.promise();
        chat.waiting.put(clientId, acked);
        return chat.send(new JsonObject().put("type", "message").put("clientId", clientId).put("text", text), acked)
            .onSuccess(x -> acknowledged.incrementAndGet());
      });
    }
    return written;
  }

  /** Stops starting residents and messages; those under way finish. */
  void stop() {
    stopped = true;
  }

  /** Stops, and closes every socket now: the waits on them fail, so {@link #write} completes. */
  void abort() {
    stop();
    synchronized (open) {
      open.forEach(WebSocket::close);
    }
  }

  /** Closes every socket and both clients. */
  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (open) {
      open.forEach(ws -> closing.add(ws.close()));
    }
    return Future.join(closing).transform(x -> Future.join(
        sockets == null ? Future.succeededFuture() : sockets.close(),
        http == null ? Future.succeededFuture() : http.close())).mapEmpty();
  }

  /** One resident's socket: the answers it waits for. */
  private final class Chat {
    private final WebSocket ws;
    private final Promise<Void> signedIn = Promise.promise();
    private final Promise<Void> consented = Promise.promise();
    private final Map<String, Promise<Void>> waiting = new ConcurrentHashMap<>();

    Chat(WebSocket ws) {
      this.ws = ws;
    }

    Future<Void> send(JsonObject frame, Promise<Void> answer) {
      return ws.writeTextMessage(frame.encode()).compose(v -> answer.future());
    }

    void closed() {
      IllegalStateException closed = new IllegalStateException("the scratch gateway's socket closed");
      signedIn.tryFail(closed);
      consented.tryFail(closed);
      waiting.values().forEach(p -> p.tryFail(closed));
    }

    void frame(String text) {
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (io.vertx.core.json.DecodeException e) {
        return;
      }
      switch (String.valueOf(frame.getValue("type"))) {
        case "auth" -> signedIn.tryComplete();
        case "consent" -> consented.tryComplete();
        case "ack" -> {
          Promise<Void> acked = waiting.remove(frame.getString("clientId"));
          if (acked != null) {
            acked.tryComplete();
          }
        }
        case "message" -> pushed.incrementAndGet();
        case "error" -> {
          // The code only: a refused frame's text stays out of the log (see StartupWarmUp).
          IllegalStateException refused = new IllegalStateException("the scratch gateway refused a frame: "
              + frame.getString("code"));
          Promise<Void> acked = frame.getString("clientId") == null ? null : waiting.remove(frame.getString("clientId"));
          if (acked != null) {
            acked.tryFail(refused);
          } else {
            signedIn.tryFail(refused);
            consented.tryFail(refused);
          }
        }
        default -> { }
      }
    }
  }
}
