package jp.kurashi.connectors.line;

import com.linecorp.bot.messaging.model.Message;
import com.linecorp.bot.webhook.model.Event;
import com.linecorp.bot.webhook.model.GroupSource;
import com.linecorp.bot.webhook.model.JoinEvent;
import com.linecorp.bot.webhook.model.RoomSource;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group chats and multi-person chats ("rooms") one webhook delivery came from. The desk's account answers one
 * person at a time: it is added to a group only by mistake (or by someone checking on a relative), so it says so once,
 * when it is invited, and leaves. Nothing said in a group is stored.
 */
final class SharedChats {

  private static final Logger LOG = LoggerFactory.getLogger(SharedChats.class);

  /** A group or room, and the reply token of its invitation, if this delivery carried one. */
  private record Chat(boolean group, String id, String inviteToken) {
  }

  private final Map<String, Chat> chats = new LinkedHashMap<>();

  /** Records the event's chat if it is a group or a room; true when it is (the event is then not a consultation). */
  boolean add(Event event) {
    String id;
    boolean group;
    if (event.source() instanceof GroupSource g) {
      id = g.groupId();
      group = true;
    } else if (event.source() instanceof RoomSource r) {
      id = r.roomId();
      group = false;
    } else {
      return false;
    }
    // The account leaving (LINE tells of it after leaveGroup too) needs nothing more: leaving again only fails.
    if (id != null && !(event instanceof com.linecorp.bot.webhook.model.LeaveEvent)) {
      String token = event instanceof JoinEvent join ? join.replyToken() : null;
      chats.merge((group ? "g:" : "r:") + id, new Chat(group, id, token),
          (old, now) -> old.inviteToken() != null ? old : now);
    }
    return true;
  }

  /**
   * Leaves every chat recorded, after a note in reply to its invitation. Failures are logged only: the next event
   * from that chat leaves again.
   */
  void leave(LineApi api, List<Message> note) {
    for (Chat chat : chats.values()) {
      Future<Void> said = chat.inviteToken() == null ? Future.succeededFuture()
          : api.reply(chat.inviteToken(), note).otherwiseEmpty();
      String kind = chat.group() ? "group" : "room";
      said.compose(v -> api.leave(chat.group(), chat.id()))
          .onSuccess(v -> LOG.atInfo().addKeyValue("kind", kind).log("LINE group chat left: consultations are one-to-one"))
          .onFailure(err -> LOG.atWarn().addKeyValue("kind", kind).addKeyValue("status", LineApi.status(err))
              .log("LINE group chat not left; the next event from it tries again"));
    }
  }
}
