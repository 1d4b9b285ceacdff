package jp.kurashi.connectors.webchat;

/** What {@link ChatSockets} asks of one open chat socket: the events it passes on, and the end of its chat. */
interface ChatEndpoint {

  /** A message of this chat was stored or sent: show it, unless the socket has it already. */
  void push(long messageId);

  /** A consultant is typing a reply. */
  void staffTyping();

  /** The chat was ended: say so with the protocol's auth error and close. */
  void revoked();

  /** The chat was moved to a new token (its resume code was used): a socket opened with an older one closes as ended. */
  void tokenMoved();

  /**
   * Events of this chat may have been missed (the bus between instances was down): show what came meanwhile, or close
   * if the chat was ended elsewhere.
   */
  void eventsMissed();
}
