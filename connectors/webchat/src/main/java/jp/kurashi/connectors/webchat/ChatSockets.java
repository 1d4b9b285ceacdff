package jp.kurashi.connectors.webchat;

import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat sockets open on this gateway instance, by contact. Listens to case events from every
 * instance (through the bus) and passes those of web chat contacts to their sockets, so a staff
 * reply reaches the resident at once whichever instance holds the socket.
 */
public final class ChatSockets {

  private final Map<Long, Set<ChatSocket>> byContact = new ConcurrentHashMap<>();
  private final Map<Long, Set<ChatSocket>> bySession = new ConcurrentHashMap<>();

  public ChatSockets(CaseEvents events) {
    events.subscribe(this::onEvent);
  }

  void register(long contactId, ChatSocket socket) {
    byContact.computeIfAbsent(contactId, k -> ConcurrentHashMap.newKeySet()).add(socket);
  }

  void unregister(long contactId, ChatSocket socket) {
    byContact.computeIfPresent(contactId, (k, set) -> {
      set.remove(socket);
      return set.isEmpty() ? null : set;
    });
  }

  /** Counts the socket under its session unless that session already holds {@code max} here; false then. */
  boolean opened(long sessionId, ChatSocket socket, int max) {
    boolean[] admitted = {false};
    bySession.compute(sessionId, (k, set) -> {
      Set<ChatSocket> sockets = set == null ? ConcurrentHashMap.newKeySet() : set;
      if (sockets.size() < max) {
        admitted[0] = sockets.add(socket);
      }
      return sockets.isEmpty() ? null : sockets;
    });
    return admitted[0];
  }

  void closed(long sessionId, ChatSocket socket) {
    bySession.computeIfPresent(sessionId, (k, set) -> {
      set.remove(socket);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Closes this instance's sockets of an ended session with the protocol's auth error, at once. Other instances close
   * theirs on the {@code chat.ended} event (a chat with no contact yet has no conversation to show: its sockets there
   * are refused when they reconnect).
   */
  void endSession(long sessionId) {
    Set<ChatSocket> sockets = bySession.remove(sessionId);
    if (sockets != null) {
      sockets.forEach(ChatSocket::revoked);
    }
  }

  /** Sockets open here, for metrics and tests. */
  public int openCount() {
    return byContact.values().stream().mapToInt(Set::size).sum();
  }

  private void onEvent(CaseEvent event) {
    if (!WebchatConnector.CHANNEL.equals(event.channel())) {
      return;
    }
    Set<ChatSocket> sockets = byContact.get(event.contactId());
    if (sockets == null) {
      return;
    }
    switch (event.type()) {
      case CaseEvent.MESSAGE_SENT, CaseEvent.MESSAGE_RECEIVED -> {
        if (event.messageId() != null) {
          sockets.forEach(s -> s.push(event.messageId()));
        }
      }
      case CaseEvent.STAFF_TYPING -> sockets.forEach(ChatSocket::staffTyping);
      case CaseEvent.CHAT_ENDED -> sockets.forEach(ChatSocket::revoked);
      default -> {
        // queued and failed replies are not shown to the resident
      }
    }
  }
}
