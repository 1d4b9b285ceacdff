package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import jakarta.mail.MessagingException;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends a whole SMTP send at its deadline by closing its connection. Angus bounds each network wait, not the session: a
 * server answering every step just before {@code MAIL_TIMEOUT_SECONDS} could hold one send for all fifteen of its
 * steps, and the outbox must hold the reply (and wait after a crash) as long as a send can last. Angus makes the send's
 * socket with this factory ({@code mail.smtp.socketFactory}); TLS, when used, is layered on that socket, so closing it
 * ends the session whatever step it is in.
 */
final class SmtpDeadline extends SocketFactory {

  /** What a send runs: Jakarta Mail's blocking call. */
  @FunctionalInterface
  interface Send {
    void run() throws MessagingException;
  }

  private final Vertx vertx;
  private final Duration deadline;
  /** The send running on this worker thread: its sockets are the ones the deadline closes. */
  private final ThreadLocal<Connections> current = new ThreadLocal<>();

  SmtpDeadline(Vertx vertx, Duration deadline) {
    this.vertx = vertx;
    this.deadline = deadline;
  }

  Duration deadline() {
    return deadline;
  }

  /**
   * Runs {@code send} on this (worker) thread, its connections closed once the deadline passes. The deadline counts
   * from {@code startedNanos} ({@link System#nanoTime()} when the outbox handed the reply over), as the outbox's wait
   * does: time spent waiting for a worker thread is the send's too, and a send with none left is not begun.
   */
  void within(long startedNanos, Send send) throws MessagingException {
    long left = deadline.toMillis() - (System.nanoTime() - startedNanos) / 1_000_000;
    if (left <= 0) {
      throw new MessagingException("the send waited " + deadline.toSeconds() + " s for a worker and was not begun");
    }
    Connections connections = new Connections();
    current.set(connections);
    long timer = vertx.setTimer(left, id -> connections.expire());
    try {
      send.run();
    } catch (MessagingException e) {
      if (connections.expired()) {
        throw new MessagingException("the mail server did not finish the send within " + deadline.toSeconds() + " s");
      }
      throw e;
    } finally {
      vertx.cancelTimer(timer);
      current.remove();
    }
  }

  @Override
  public Socket createSocket() throws IOException {
    Socket socket = new Socket();
    Connections connections = current.get();
    if (connections != null) {
      connections.track(socket);
    }
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  /** Angus asks only for unconnected sockets; the other forms are the factory's contract, tracked all the same. */
  private Socket connected(InetSocketAddress to, InetSocketAddress local) throws IOException {
    Socket socket = createSocket();
    if (local != null) {
      socket.bind(local);
    }
    socket.connect(to);
    return socket;
  }

  /** One send's sockets; closed together when its deadline passes (from the timer's thread). */
  private static final class Connections {
    private final List<Socket> sockets = new ArrayList<>(1);
    private boolean expired;

    synchronized void track(Socket socket) throws IOException {
      if (expired) {
        socket.close();
      }
      sockets.add(socket);
    }

    synchronized void expire() {
      expired = true;
      for (Socket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing is all that is wanted
        }
      }
    }

    synchronized boolean expired() {
      return expired;
    }
  }
}
