package jp.kurashi.connectors.webchat;

import java.util.Arrays;

/**
 * The last few message ids a socket acknowledged, so the {@code message.received} event of its own message is not
 * sent back to it (the client has the id from the ack and would ignore it). Safe from any thread; an id that fell
 * out of the ring is only sent again, which the protocol allows ("ignore an id you already have").
 */
final class RecentIds {

  private final long[] ids;
  private int next;

  RecentIds(int capacity) {
    ids = new long[capacity];
    Arrays.fill(ids, -1);
  }

  synchronized void add(long id) {
    ids[next] = id;
    next = (next + 1) % ids.length;
  }

  synchronized boolean contains(long id) {
    for (long each : ids) {
      if (each == id) {
        return true;
      }
    }
    return false;
  }
}
