package jp.kurashi.connectors.webchat;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import jp.kurashi.testkit.Await;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A resident's chat socket as a test drives it: send frames, read the server's frames in order. */
final class ChatClient implements AutoCloseable {

  private final WebSocket ws;
  private final BlockingQueue<JsonObject> frames;
  private final java.util.concurrent.CompletableFuture<Short> closeStatus;

  private ChatClient(WebSocket ws, BlockingQueue<JsonObject> frames, java.util.concurrent.CompletableFuture<Short> closeStatus) {
    this.ws = ws;
    this.frames = frames;
    this.closeStatus = closeStatus;
  }

  /** Attaches the frame handler on the socket's event loop as soon as it connects, so no early frame is missed. */
  static ChatClient connect(io.vertx.core.Future<WebSocket> connecting) {
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    java.util.concurrent.CompletableFuture<Short> closeStatus = new java.util.concurrent.CompletableFuture<>();
    WebSocket ws = Await.result(connecting.map(socket -> {
      socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
      socket.closeHandler(v -> closeStatus.complete(socket.closeStatusCode()));
      return socket;
    }));
    return new ChatClient(ws, frames, closeStatus);
  }

  void send(JsonObject frame) {
    sendRaw(frame.encode());
  }

  void sendRaw(String text) {
    Await.result(ws.writeTextMessage(text));
  }

  JsonObject message(String clientId, String text) {
    send(new JsonObject().put("type", "message").put("clientId", clientId).put("text", text));
    return next("ack", "error");
  }

  /** The next frame of one of these types, skipping others (e.g. echoes of our own messages). */
  JsonObject next(String... types) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject frame;
      try {
        frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      if (frame == null) {
        throw new AssertionError("no frame of type " + String.join("/", types) + " within 10 s");
      }
      for (String type : types) {
        if (type.equals(frame.getString("type"))) {
          return frame;
        }
      }
    }
  }

  /** Every frame that arrives within {@code millis}. */
  java.util.List<JsonObject> drain(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    java.util.List<JsonObject> out = new java.util.ArrayList<>();
    frames.drainTo(out);
    return out;
  }

  /** The status code the server closed the socket with, waiting up to 10 s for it. */
  short closedWith() {
    try {
      return closeStatus.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed within 10 s", e);
    }
  }

  boolean isClosed() {
    return ws.isClosed();
  }

  /** Sends the close frame and returns at once, without waiting for the server's answer. */
  void startClosing() {
    ws.close();
  }

  @Override
  public void close() {
    if (!ws.isClosed()) {
      Await.result(ws.close());
    }
  }
}
