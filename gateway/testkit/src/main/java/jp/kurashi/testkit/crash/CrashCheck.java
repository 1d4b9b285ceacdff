package jp.kurashi.testkit.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what clients were told with what the database holds and what residents received: stored
 * rows are counted by marker, staff replies by the resident's own dedupe key (LINE retry key, web chat
 * message id, Message-ID).
 */
final class CrashCheck {

  private final Database db;
  private final Ledger ledger;
  private final FakeLineApi line;
  private final WebchatResidents chat;
  private final MailResidents mail;

  CrashCheck(Database db, Ledger ledger, FakeLineApi line, WebchatResidents chat, MailResidents mail) {
    this.db = db;
    this.ledger = ledger;
    this.line = line;
    this.chat = chat;
    this.mail = mail;
  }

  CrashReport report(int kills, Duration elapsed) throws SQLException {
    try (Connection c = db.connect()) {
      Map<String, Integer> stored = storedCopies(c);
      List<CrashReport.Inbound> inbound = new ArrayList<>();
      for (Channel ch : Channel.values()) {
        inbound.add(inbound(ch, stored));
      }
      return new CrashReport(kills, elapsed, inbound, replies(), outbox(c), show(c, "fsync"),
          show(c, "synchronous_commit"));
    }
  }

  private CrashReport.Inbound inbound(Channel ch, Map<String, Integer> stored) {
    Set<String> sent = ledger.sent(ch);
    Set<String> acked = ledger.acked(ch);
    long storedCount = sent.stream().filter(stored::containsKey).count();
    long lost = acked.stream().filter(m -> !stored.containsKey(m)).count();
    long duplicated = sent.stream().mapToLong(m -> Math.max(0, stored.getOrDefault(m, 0) - 1)).sum();
    long unacked = sent.stream().filter(m -> !acked.contains(m)).count();
    return new CrashReport.Inbound(ch.code, sent.size(), acked.size(), storedCount, unacked, lost, duplicated);
  }

  /** Marker to the number of inbound rows carrying it. */
  private static Map<String, Integer> storedCopies(Connection c) throws SQLException {
    Map<String, Integer> copies = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT body FROM message WHERE direction = 'in' AND body LIKE '%#crash-%'")) {
      while (r.next()) {
        Markers.find(r.getString(1)).ifPresent(m -> copies.merge(m, 1, Integer::sum));
      }
    }
    return copies;
  }

  private List<CrashReport.Replies> replies() {
    Map<String, Set<String>> lineKeys = new HashMap<>();
    for (FakeLineApi.Push p : line.accepted.values()) {
      for (String text : p.texts()) {
        if (Markers.find(text).filter(m -> m.startsWith("#crash-r-")).isPresent()) {
          lineKeys.computeIfAbsent(Markers.find(text).get(), k -> new java.util.HashSet<>()).add(p.retryKey());
        }
      }
    }
    Map<String, Set<String>> chatIds = new HashMap<>();
    chat.received.forEach((id, text) -> Markers.find(text).filter(m -> m.startsWith("#crash-r-"))
        .ifPresent(m -> chatIds.computeIfAbsent(m, k -> new java.util.HashSet<>()).add(String.valueOf(id))));
    Map<String, Set<String>> mailIds = new HashMap<>();
    long mails = 0;
    for (MailResidents.Received r : mail.received()) {
      var marker = Markers.find(r.text()).filter(m -> m.startsWith("#crash-r-"));
      if (marker.isPresent()) {
        mails++;
        mailIds.computeIfAbsent(marker.get(), k -> new java.util.HashSet<>()).add(r.messageId());
      }
    }
    return List.of(replies(Channel.WEBCHAT, chatIds, chatIds.values().stream().mapToLong(Set::size).sum()),
        replies(Channel.LINE, lineKeys, line.replyPushCalls.get()),
        replies(Channel.MAIL, mailIds, mails));
  }

  private CrashReport.Replies replies(Channel ch, Map<String, Set<String>> seen, long calls) {
    Collection<String> queued = ledger.replies.entrySet().stream().filter(e -> e.getValue() == ch)
        .map(Map.Entry::getKey).toList();
    long delivered = queued.stream().filter(seen::containsKey).count();
    long duplicated = seen.values().stream().mapToLong(keys -> Math.max(0, keys.size() - 1)).sum();
    return new CrashReport.Replies(ch.code, queued.size(), delivered, duplicated, calls);
  }

  private static Map<String, Long> outbox(Connection c) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT status, count(*) FROM outbox GROUP BY status")) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + setting)) {
      r.next();
      return r.getString(1);
    }
  }
}
