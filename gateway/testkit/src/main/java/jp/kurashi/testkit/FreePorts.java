package jp.kurashi.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds loopback ports nobody is listening on, for servers started by tests.
 *
 * <p>The ports come from below the kernel's ephemeral range (Linux: 32768–60999). A port from {@code bind(0)}
 * is free only until the next {@code bind(0)} or outgoing connection in any process takes it, and the two test
 * forks start gateways and stub servers side by side; a gateway told to use such a port could find another
 * process answering on it. Ports below that range are handed out by nobody but a caller that names them.
 */
public final class FreePorts {

  private static final int LOW = 20_000;
  private static final int HIGH = 32_000;

  private FreePorts() {
  }

  /** A port that was free a moment ago. */
  public static int next() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(LOW, HIGH);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port between " + LOW + " and " + HIGH + " after 200 tries");
  }
}
