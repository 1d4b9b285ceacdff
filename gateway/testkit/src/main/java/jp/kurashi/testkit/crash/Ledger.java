package jp.kurashi.testkit.crash;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the clients know: messages sent and acknowledged per channel, staff replies the API accepted. */
final class Ledger {

  private final AtomicLong next = new AtomicLong();
  private final Map<Channel, Set<String>> sent = new EnumMap<>(Channel.class);
  private final Map<Channel, Set<String>> acked = new EnumMap<>(Channel.class);
  /** Reply marker to the channel of its case. */
  final Map<String, Channel> replies = new ConcurrentHashMap<>();
  final AtomicLong replyAttempts = new AtomicLong();
  /** How reply attempts ended ("202", "409", "io" ...), to tell a slow run from a broken one. */
  final Map<String, AtomicLong> replyOutcomes = new ConcurrentHashMap<>();

  void replyOutcome(String outcome) {
    replyOutcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
  }

  Ledger() {
    for (Channel c : Channel.values()) {
      sent.put(c, ConcurrentHashMap.newKeySet());
      acked.put(c, ConcurrentHashMap.newKeySet());
    }
  }

  /** A new message's marker; numbers are unique across channels. */
  String newMessage(Channel channel) {
    String marker = Markers.of(channel, next.incrementAndGet());
    sent.get(channel).add(marker);
    return marker;
  }

  void acked(Channel channel, String marker) {
    acked.get(channel).add(marker);
  }

  Set<String> sent(Channel channel) {
    return Set.copyOf(sent.get(channel));
  }

  Set<String> acked(Channel channel) {
    return Set.copyOf(acked.get(channel));
  }

  long ackedTotal() {
    return acked.values().stream().mapToLong(Set::size).sum();
  }

  String newReply() {
    return Markers.reply(next.incrementAndGet());
  }
}
