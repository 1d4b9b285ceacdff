package jp.kurashi.testkit.crash;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Residents in the web chat, each on its own socket, behaving as the chat page (chat.js) does: a message stays
 * pending until its ack and is sent again with the same clientId after every reconnect (on the
 * consent frame); a reconnect asks for {@code after=} the largest id seen. All state lives on one
 * event-loop context, so no locks.
 */
final class WebchatResidents {

  private static final long RETRY_MS = 500;
  /** chat.js sends pending messages again 10 s after rate_limited; we do the same after store_failed. */
  private static final long FLUSH_AFTER_ERROR_MS = 10_000;

  private final Context context;
  private final HttpClient http;
  private final WebSocketClient sockets;
  private final int port;
  private final Ledger ledger;
  private final Fault fault;
  private final List<Resident> residents = new ArrayList<>();
  /** Staff and automatic messages residents saw, by message id: a repeat of an id is the same message. */
  final Map<Long, String> received = new ConcurrentHashMap<>();

  WebchatResidents(Vertx vertx, int port, int count, Ledger ledger, Fault fault) {
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2_000));
    this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(2_000)
        .setMaxConnections(count + 10));
    this.port = port;
    this.ledger = ledger;
    this.fault = fault;
    for (int i = 0; i < count; i++) {
      residents.add(new Resident(i));
    }
  }

  /** Connects every resident; each keeps reconnecting until {@link #stop()}. */
  void start() {
    context.runOnContext(v -> residents.forEach(Resident::connect));
  }

  /** One resident (chosen by {@code random}) types a message; sent now if the socket is up, else kept. */
  void write(Random random) {
    int who = random.nextInt(residents.size());
    context.runOnContext(v -> residents.get(who).type());
  }

  /** Messages sent and still without an ack. */
  int pending() {
    return residents.stream().mapToInt(r -> r.pending.size()).sum();
  }

  void stop() {
    context.runOnContext(v -> residents.forEach(Resident::stop));
  }

  /** One browser: its token, its socket and its pending messages (chat.js keeps them in localStorage). */
  private final class Resident {
    private final int n;
    private final Map<String, String> pending = new LinkedHashMap<>();
    private String token;
    private WebSocket ws;
    private boolean consented;
    private String notice;
    private boolean stopped;
    private long lastId;
    private long nextClientId;

    Resident(int n) {
      this.n = n;
    }

    void connect() {
      if (stopped) {
        return;
      }
      if (token == null) {
        // The notice's version first, as the widget reads it from its config: consent names the notice shown.
        http.request(HttpMethod.GET, port, "127.0.0.1", "/webchat/config")
            .compose(req -> req.send())
            .compose(resp -> resp.body().map(b -> resp.statusCode() == 200
                ? new JsonObject(b).getJsonObject("privacyNotice").getString("version") : null))
            .compose(version -> {
              notice = version;
              return version == null ? Future.failedFuture("no config")
                  : http.request(HttpMethod.POST, port, "127.0.0.1", "/webchat/sessions");
            })
            .compose(req -> req.send("{\"language\":\"ja\"}"))
            .compose(resp -> resp.body().map(b -> resp.statusCode() == 201 ? new JsonObject(b).getString("token") : null))
            .onComplete(ar -> {
              token = ar.succeeded() ? ar.result() : null;
              context.owner().setTimer(token == null ? RETRY_MS : 1, id -> connectSocket());
            });
        return;
      }
      connectSocket();
    }

    private void connectSocket() {
      if (stopped) {
        return;
      }
      if (token == null) {
        connect();
        return;
      }
      sockets.connect(port, "127.0.0.1", "/webchat/socket?token=" + token + "&after=" + lastId).onComplete(ar -> {
        if (ar.failed()) {
          context.owner().setTimer(RETRY_MS, id -> connectSocket());
          return;
        }
        ws = ar.result();
        ws.textMessageHandler(this::onFrame);
        // A killed gateway resets the connection: expected here, and the close handler reconnects.
        ws.exceptionHandler(err -> { });
        ws.closeHandler(v -> {
          ws = null;
          consented = false;
          context.owner().setTimer(RETRY_MS, id -> connectSocket());
        });
        ws.writeTextMessage(new JsonObject().put("type", "consent").put("accepted", true).put("version", notice).encode());
        if (fault == Fault.NO_RESEND) {
          // The fault: what was typed before the drop is forgotten, as a widget without its pending list would.
          pending.clear();
        }
      });
    }

    void type() {
      String marker = ledger.newMessage(Channel.WEBCHAT);
      String clientId = "c" + n + "-" + (++nextClientId);
      pending.put(clientId, "家賃が払えず困っています " + marker);
      if (consented) {
        transmit(clientId);
      }
    }

    private void transmit(String clientId) {
      String text = pending.get(clientId);
      if (ws == null || text == null) {
        return;
      }
      ws.writeTextMessage(new JsonObject().put("type", "message").put("clientId", clientId).put("text", text).encode())
          .onSuccess(v -> {
            if (fault == Fault.ACK_ON_WRITE) {
              Markers.find(text).ifPresent(m -> ledger.acked(Channel.WEBCHAT, m));
            }
          });
    }

    private void flush() {
      new ArrayList<>(pending.keySet()).forEach(this::transmit);
    }

    private void onFrame(String text) {
      JsonObject f = new JsonObject(text);
      switch (f.getString("type", "")) {
        case "consent" -> {
          consented = true;
          flush();
        }
        case "ack" -> {
          String sent = pending.remove(f.getString("clientId"));
          if (sent != null) {
            Markers.find(sent).ifPresent(m -> ledger.acked(Channel.WEBCHAT, m));
          }
          lastId = Math.max(lastId, f.getLong("id", 0L));
        }
        case "message" -> {
          long id = f.getLong("id", 0L);
          lastId = Math.max(lastId, id);
          if (!"resident".equals(f.getString("from"))) {
            received.put(id, f.getString("text", ""));
          }
        }
        case "error" -> {
          if ("consent_required".equals(f.getString("code"))) {
            ws.writeTextMessage(new JsonObject().put("type", "consent").put("accepted", true).put("version", notice).encode());
          } else if (f.getString("clientId") != null) {
            context.owner().setTimer(FLUSH_AFTER_ERROR_MS, id -> flush());
          }
        }
        default -> { }
      }
    }

    void stop() {
      stopped = true;
      if (ws != null) {
        ws.close();
      }
    }
  }
}
