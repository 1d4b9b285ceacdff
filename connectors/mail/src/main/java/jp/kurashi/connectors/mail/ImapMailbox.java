package jp.kurashi.connectors.mail;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.connectors.mail.MailStore.RawMail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One IMAP connection to the desk's mailbox. Blocking: use it only from worker threads.
 * Reads with PEEK so nothing is marked \Seen until the gateway has stored the mail.
 */
final class ImapMailbox implements AutoCloseable {

  private final MailSettings settings;
  private final Session session;
  private Store store;
  private IMAPFolder folder;

  ImapMailbox(MailSettings settings) {
    this.settings = settings;
    this.session = Session.getInstance(settings.imapProperties());
  }

  /**
   * Mails with a UID above the cursor (all, when UIDVALIDITY changed), oldest first: at most {@code max} of them and,
   * by the sizes the server reports, at most {@code maxBytes} together (a larger mail comes alone). Each is held whole
   * in memory until stored, so fifty large mails at once could exhaust the heap, and the next start would fetch
   * the same fifty again.
   */
  Fetched fetch(Optional<MailStore.Cursor> cursor, int max, long maxBytes) throws MessagingException, IOException {
    IMAPFolder f = open();
    long uidValidity = f.getUIDValidity();
    long after = cursor.filter(c -> c.uidValidity() == uidValidity).map(MailStore.Cursor::lastUid).orElse(0L);
    Message[] found = f.getMessagesByUID(after + 1, UIDFolder.MAXUID);
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add(FetchProfile.Item.SIZE);
    f.fetch(found, profile);
    List<Message> waiting = Arrays.stream(found)
        .filter(m -> uid(f, m) > after)
        .sorted(Comparator.comparingLong(m -> uid(f, m)))
        .toList();
    List<Message> newer = new ArrayList<>();
    long bytes = 0;
    for (Message m : waiting) {
      long size = Math.max(0, m.getSize());
      if (newer.size() == max || (!newer.isEmpty() && bytes + size > maxBytes)) {
        break;
      }
      newer.add(m);
      bytes += size;
    }
    List<RawMail> mails = new ArrayList<>();
    long last = after;
    for (Message m : newer) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.writeTo(out);
      long uid = f.getUID(m);
      mails.add(new RawMail(uid, out.toByteArray()));
      last = Math.max(last, uid);
    }
    return new Fetched(uidValidity, mails, last, newer.size() < waiting.size());
  }

  /** Flags stored mails \Seen, or moves them to the processed folder when one is set. */
  void markProcessed(List<Long> uids) throws MessagingException {
    if (uids.isEmpty()) {
      return;
    }
    IMAPFolder f = open();
    Message[] messages = f.getMessagesByUID(uids.stream().mapToLong(Long::longValue).toArray());
    Message[] present = Arrays.stream(messages).filter(java.util.Objects::nonNull).toArray(Message[]::new);
    if (settings.processedFolder() == null) {
      f.setFlags(present, new Flags(Flags.Flag.SEEN), true);
      return;
    }
    Folder target = store.getFolder(settings.processedFolder());
    if (!target.exists()) {
      target.create(Folder.HOLDS_MESSAGES);
    }
    f.moveMessages(present, target);
  }

  boolean supportsIdle() throws MessagingException {
    open();
    return ((IMAPStore) store).hasCapability("IDLE");
  }

  /** Blocks until the server reports a change in the folder (IMAP IDLE). */
  void idle() throws MessagingException {
    open().idle(true);
  }

  private IMAPFolder open() throws MessagingException {
    if (store == null || !store.isConnected()) {
      store = session.getStore();
      store.connect(settings.imapHost(), settings.imapPort(), settings.user(), settings.password());
      folder = null;
    }
    if (folder == null || !folder.isOpen()) {
      folder = (IMAPFolder) store.getFolder(settings.folder());
      folder.open(Folder.READ_WRITE);
    }
    return folder;
  }

  private static long uid(UIDFolder f, Message m) {
    try {
      return f.getUID(m);
    } catch (MessagingException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    try {
      if (folder != null && folder.isOpen()) {
        folder.close(false);
      }
      if (store != null) {
        store.close();
      }
    } catch (MessagingException ignored) {
      // closing a broken connection
    }
    folder = null;
    store = null;
  }

  /** What one fetch brought. */
  /** {@code more}: newer mails are waiting beyond this batch. */
  record Fetched(long uidValidity, List<RawMail> mails, long lastUid, boolean more) {
  }
}
