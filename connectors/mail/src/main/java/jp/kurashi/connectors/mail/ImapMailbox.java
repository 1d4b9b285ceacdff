package jp.kurashi.connectors.mail;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.ReceivedDateTerm;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.connectors.mail.MailStore.RawMail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
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

  /**
   * Deletes from the server the processed mails that arrived there before {@code before}: in the processed folder,
   * all of them; in the polled folder, only those at or below the cursor, which are stored in the database, never
   * one not yet fetched. Returns how many were deleted.
   */
  int deleteProcessed(Instant before, Optional<MailStore.Cursor> cursor) throws MessagingException {
    IMAPFolder f = open();
    Date cut = Date.from(before);
    if (settings.processedFolder() != null) {
      IMAPFolder done = (IMAPFolder) store.getFolder(settings.processedFolder());
      if (!done.exists()) {
        return 0;
      }
      done.open(Folder.READ_WRITE);
      try {
        return expunge(done, arrivedBefore(done, cut, UIDFolder.MAXUID));
      } finally {
        done.close(false);
      }
    }
    long uidValidity = f.getUIDValidity();
    long stored = cursor.filter(c -> c.uidValidity() == uidValidity).map(MailStore.Cursor::lastUid).orElse(0L);
    return stored == 0 ? 0 : expunge(f, arrivedBefore(f, cut, stored));
  }

  private static Message[] arrivedBefore(IMAPFolder f, Date cut, long maxUid) throws MessagingException {
    // IMAP's BEFORE compares days only (in the server's zone): ask for a day more, then compare the time here.
    Message[] found = f.search(new ReceivedDateTerm(ComparisonTerm.LT,
        Date.from(cut.toInstant().plus(java.time.Duration.ofDays(2)))));
    FetchProfile profile = new FetchProfile();
    profile.add(UIDFolder.FetchProfileItem.UID);
    profile.add(FetchProfile.Item.ENVELOPE);
    f.fetch(found, profile);
    List<Message> old = new ArrayList<>();
    for (Message m : found) {
      Date arrived = m.getReceivedDate();
      long uid = uid(f, m);
      if (arrived != null && arrived.before(cut) && uid > 0 && uid <= maxUid) {
        old.add(m);
      }
    }
    return old.toArray(Message[]::new);
  }

  private static int expunge(IMAPFolder f, Message[] messages) throws MessagingException {
    if (messages.length == 0) {
      return 0;
    }
    f.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
    if (((IMAPStore) f.getStore()).hasCapability("UIDPLUS")) {
      f.expunge(messages);
    } else {
      // Without UIDPLUS only the whole folder can be expunged: any other mail flagged deleted goes with these.
      f.expunge();
    }
    return messages.length;
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
