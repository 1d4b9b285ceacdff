package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.CaseEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A chat ended while one of its sockets was between its token check and its registration: the end has closed every
 * socket it found, so the late one must be refused, not left open on an ended chat (a shared PC's other tab).
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Chat sockets and a chat's end")
class ChatSocketsTest {

  private static final Instant AT = Instant.parse("2026-11-27T01:00:00Z");
  private ChatSockets sockets;

  @BeforeEach
  void setUp(Vertx vertx) {
    sockets = new ChatSockets(CaseEvents.inProcess(vertx));
  }

  /** A socket that records what it was told. */
  private static final class Recorded implements ChatEndpoint {
    final List<String> told = new ArrayList<>();

    @Override
    public void push(long messageId) {
      told.add("message " + messageId);
    }

    @Override
    public void staffTyping() {
      told.add("typing");
    }

    @Override
    public void revoked() {
      told.add("ended");
    }

    @Override
    public void eventsMissed() {
      told.add("catch up");
    }

    @Override
    public void tokenMoved() {
      told.add("token moved");
    }
  }

  private static CaseEvent event(String type, long contactId, Long messageId) {
    return new CaseEvent(type, 1, 0, contactId, messageId, WebchatConnector.CHANNEL, AT);
  }

  @Test
  @DisplayName("a chat moved to a new token elsewhere has its sockets here check theirs; it is not an end")
  void movedElsewhere() {
    Recorded open = new Recorded();
    Recorded other = new Recorded();
    assertThat(sockets.register(7, open)).isTrue();
    assertThat(sockets.register(8, other)).isTrue();

    sockets.onEvent(event(CaseEvent.CHAT_MOVED, 7, null));
    assertThat(open.told).containsExactly("token moved");
    assertThat(other.told).isEmpty();
    assertThat(sockets.register(7, new Recorded())).as("the new token's socket").isTrue();
  }

  @Test
  @DisplayName("the end of a chat elsewhere closes its sockets here, and refuses one that registers after it")
  void endedElsewhere() {
    Recorded open = new Recorded();
    Recorded late = new Recorded();
    Recorded other = new Recorded();
    assertThat(sockets.register(7, open)).isTrue();
    assertThat(sockets.register(8, other)).isTrue();

    sockets.onEvent(event(CaseEvent.CHAT_ENDED, 7, null));
    assertThat(open.told).containsExactly("ended");
    assertThat(sockets.register(7, late)).as("token checked before the end, registering after it").isFalse();

    sockets.onEvent(event(CaseEvent.MESSAGE_SENT, 7, 41L));
    sockets.onEvent(event(CaseEvent.MESSAGE_SENT, 8, 42L));
    assertThat(late.told).isEmpty();
    assertThat(open.told).containsExactly("ended");
    assertThat(other.told).as("another chat goes on").containsExactly("message 42");
    assertThat(sockets.openCount()).isOne();
  }

  @Test
  @DisplayName("a session ended here refuses a socket that opens after its end; the socket limit still counts")
  void endedHere() {
    Recorded first = new Recorded();
    Recorded second = new Recorded();
    assertThat(sockets.opened(5, first, 1)).isEqualTo(ChatSockets.Admission.OPEN);
    assertThat(sockets.opened(5, second, 1)).isEqualTo(ChatSockets.Admission.TOO_MANY);
    assertThat(sockets.opened(6, second, 1)).isEqualTo(ChatSockets.Admission.OPEN);

    sockets.endSession(5);
    assertThat(first.told).containsExactly("ended");
    assertThat(sockets.opened(5, new Recorded(), 1)).isEqualTo(ChatSockets.Admission.ENDED);
    assertThat(second.told).isEmpty();
  }

  @Test
  @DisplayName("when events may have been missed, every socket open here catches up, with a contact or not yet")
  void eventsMissed() {
    Recorded consented = new Recorded();
    Recorded beforeConsent = new Recorded();
    Recorded closed = new Recorded();
    sockets.opened(1, consented, 3);
    sockets.register(11, consented);
    sockets.opened(2, beforeConsent, 3);
    sockets.opened(3, closed, 3);
    sockets.closed(3, closed);

    sockets.eventsMissed();
    assertThat(consented.told).containsExactly("catch up");
    assertThat(beforeConsent.told).containsExactly("catch up");
    assertThat(closed.told).isEmpty();
  }
}
