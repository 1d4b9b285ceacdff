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

  /**
   * Ends remembered, by session and by contact. A socket's token is checked before it opens here; a chat ended in
   * between (on this instance or another) has closed every socket it found, so one opening after must be refused.
   * The window is one token check long; this many ends cover it at any load a desk sees.
   */
  private static final int ENDS_REMEMBERED = 1024;

  private final Map<Long, Set<ChatEndpoint>> byContact = new ConcurrentHashMap<>();
  private final Map<Long, Set<ChatEndpoint>> bySession = new ConcurrentHashMap<>();
  private final RecentIds endedSessions = new RecentIds(ENDS_REMEMBERED);
  private final RecentIds endedContacts = new RecentIds(ENDS_REMEMBERED);

  public ChatSockets(CaseEvents events) {
    events.subscribe(this::onEvent);
    events.onEventsMissed(this::eventsMissed);
  }

  /** Every socket open here catches up: what other instances' events would have brought, and their chats' ends. */
  void eventsMissed() {
    bySession.values().forEach(sockets -> sockets.forEach(ChatEndpoint::eventsMissed));
  }

  /** What became of a socket opening under its session. */
  enum Admission { OPEN, TOO_MANY, ENDED }

  /**
   * Registers the socket for its contact's events; false when that contact's chat has ended, and the socket must
   * close. Checked inside the contact's entry, which the end takes atomically: either the end finds the socket, or the
   * socket finds the end.
   */
  boolean register(long contactId, ChatEndpoint socket) {
    boolean[] registered = {false};
    byContact.compute(contactId, (k, set) -> {
      if (endedContacts.contains(contactId)) {
        return set;
      }
      Set<ChatEndpoint> sockets = set == null ? ConcurrentHashMap.newKeySet() : set;
      registered[0] = sockets.add(socket);
      return sockets;
    });
    return registered[0];
  }

  void unregister(long contactId, ChatEndpoint socket) {
    byContact.computeIfPresent(contactId, (k, set) -> {
      set.remove(socket);
      return set.isEmpty() ? null : set;
    });
  }

  /**
   * Counts the socket under its session unless that session already holds {@code max} here, or has ended since its
   * token was checked.
   */
  Admission opened(long sessionId, ChatEndpoint socket, int max) {
    Admission[] admission = {Admission.TOO_MANY};
    bySession.compute(sessionId, (k, set) -> {
      if (endedSessions.contains(sessionId)) {
        admission[0] = Admission.ENDED;
        return set;
      }
      Set<ChatEndpoint> sockets = set == null ? ConcurrentHashMap.newKeySet() : set;
      if (sockets.size() < max && sockets.add(socket)) {
        admission[0] = Admission.OPEN;
      }
      return sockets.isEmpty() ? null : sockets;
    });
    return admission[0];
  }

  void closed(long sessionId, ChatEndpoint socket) {
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
    endedSessions.add(sessionId);
    Set<ChatEndpoint> sockets = bySession.remove(sessionId);
    if (sockets != null) {
      sockets.forEach(ChatEndpoint::revoked);
    }
  }

  /**
   * The session was moved to a new token: its sockets here check theirs. Not remembered as an end: the new token opens
   * the same session. Other instances check theirs on the {@code chat.moved} event.
   */
  void moveSession(long sessionId) {
    Set<ChatEndpoint> sockets = bySession.get(sessionId);
    if (sockets != null) {
      sockets.forEach(ChatEndpoint::tokenMoved);
    }
  }

  /** Sockets open here, for metrics and tests. */
  public int openCount() {
    return byContact.values().stream().mapToInt(Set::size).sum();
  }

  void onEvent(CaseEvent event) {
    if (!WebchatConnector.CHANNEL.equals(event.channel())) {
      return;
    }
    if (CaseEvent.CHAT_ENDED.equals(event.type())) {
      endedContacts.add(event.contactId());
      Set<ChatEndpoint> ended = byContact.remove(event.contactId());
      if (ended != null) {
        ended.forEach(ChatEndpoint::revoked);
      }
      return;
    }
    Set<ChatEndpoint> sockets = byContact.get(event.contactId());
    if (sockets == null) {
      return;
    }
    switch (event.type()) {
      case CaseEvent.CHAT_MOVED -> sockets.forEach(ChatEndpoint::tokenMoved);
      case CaseEvent.MESSAGE_SENT, CaseEvent.MESSAGE_RECEIVED -> {
        if (event.messageId() != null) {
          sockets.forEach(s -> s.push(event.messageId()));
        }
      }
      case CaseEvent.STAFF_TYPING -> sockets.forEach(ChatEndpoint::staffTyping);
      default -> {
        // queued and failed replies are not shown to the resident
      }
    }
  }
}
