package jp.kurashi.connectors.webchat;

import java.util.ArrayDeque;

/** Allows at most {@code limit} events in any window of {@code windowMillis}; one per socket. */
final class SlidingWindow {

  private final int limit;
  private final long windowMillis;
  private final ArrayDeque<Long> times = new ArrayDeque<>();

  SlidingWindow(int limit, long windowMillis) {
    this.limit = limit;
    this.windowMillis = windowMillis;
  }

  /** Records an event at {@code now} if it is within the limit. */
  boolean tryAcquire(long now) {
    while (!times.isEmpty() && now - times.peekFirst() >= windowMillis) {
      times.pollFirst();
    }
    if (times.size() >= limit) {
      return false;
    }
    times.addLast(now);
    return true;
  }
}
