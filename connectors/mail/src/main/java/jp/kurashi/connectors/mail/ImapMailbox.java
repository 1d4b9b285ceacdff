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
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.AppendUID;
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
      // A mail over MAIL_MAX_BYTES costs only its header.
      long size = m.getSize() > settings.maxMailBytes() ? 0 : Math.max(0, m.getSize());
      if (newer.size() == max || (!newer.isEmpty() && bytes + size > maxBytes)) {
        break;
      }
      newer.add(m);
      bytes += size;
    }
    List<RawMail> mails = new ArrayList<>();
    long last = after;
    for (Message m : newer) {
      long uid = f.getUID(m);
      last = Math.max(last, uid);
      if (m.getSize() > settings.maxMailBytes()) {
        mails.add(new RawMail(uid, TooLargeMail.standIn((MimeMessage) m, m.getSize(), settings.maxMailBytes()), true));
        continue;
      }
      // The size the server reports may be missing (-1) or wrong: the bytes read are capped all the same.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        m.writeTo(TooLargeMail.capped(out, settings.maxMailBytes()));
        mails.add(new RawMail(uid, out.toByteArray(), false));
      } catch (TooLargeMail.OverLimitException e) {
        mails.add(new RawMail(uid, TooLargeMail.standIn((MimeMessage) m, e.seen(), settings.maxMailBytes()), true));
      }
    }
    return new Fetched(uidValidity, mails, last, newer.size() < waiting.size());
  }

  /**
   * Flags stored mails \Seen, or moves them to the processed folder when one is set. Returns, for moved mails, the
   * UIDs the server gave them there: only a server with UIDPLUS says, and only then is the move asked for them.
   */
  List<Moved> markProcessed(List<Long> uids) throws MessagingException {
    if (uids.isEmpty()) {
      return List.of();
    }
    IMAPFolder f = open();
    Message[] present = present(f, uids);
    if (settings.processedFolder() == null) {
      f.setFlags(present, new Flags(Flags.Flag.SEEN), true);
      return List.of();
    }
    long[] fromUids = new long[present.length];
    for (int i = 0; i < present.length; i++) {
      fromUids[i] = f.getUID(present[i]);
    }
    Folder target = store.getFolder(settings.processedFolder());
    if (!target.exists()) {
      target.create(Folder.HOLDS_MESSAGES);
    }
    if (!hasUidPlus()) {
      f.moveMessages(present, target);
      return List.of();
    }
    AppendUID[] to;
    try {
      to = f.moveUIDMessages(present, target);
    } catch (RuntimeException e) {
      // Angus reads the server's COPYUID without checking it: a server that moved the mails and sent none, or fewer
      // UIDs than mails, fails here after the move. The mails are moved; their UIDs there stay unknown.
      return List.of();
    }
    List<Moved> moved = new ArrayList<>();
    for (int i = 0; to != null && i < to.length && i < fromUids.length; i++) {
      if (to[i] != null) {
        moved.add(new Moved(fromUids[i], to[i].uidvalidity, to[i].uid));
      }
    }
    return moved;
  }

  /** A mail moved to the processed folder: its UID in the polled folder, and its UIDVALIDITY and UID there. */
  record Moved(long uid, long movedUidValidity, long movedUid) {
  }

  /** The UIDs of a folder's mails that arrived before a moment, oldest first. */
  record Arrived(long uidValidity, List<Long> uids) {
  }

  /**
   * The mails that arrived on the server before {@code before}, in the processed folder when {@code processed}, or
   * in the polled folder. Empty when the processed folder does not exist, or the server cannot
   * delete single mails (no UIDPLUS: an EXPUNGE there would remove every mail anyone flagged deleted).
   */
  Optional<Arrived> arrivedBefore(boolean processed, Instant before) throws MessagingException {
    return inFolder(processed, Folder.READ_ONLY, f -> {
      Date cut = Date.from(before);
      // IMAP's BEFORE compares days only (in the server's zone): ask for two days more, then compare the time here.
      Message[] found = f.search(new ReceivedDateTerm(ComparisonTerm.LT,
          Date.from(before.plus(java.time.Duration.ofDays(2)))));
      FetchProfile profile = new FetchProfile();
      profile.add(UIDFolder.FetchProfileItem.UID);
      profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
      f.fetch(found, profile);
      List<Long> uids = new ArrayList<>();
      for (Message m : found) {
        Date arrived = m.getReceivedDate();
        long uid = uid(f, m);
        if (arrived != null && arrived.before(cut) && uid > 0) {
          uids.add(uid);
        }
      }
      uids.sort(Comparator.naturalOrder());
      return Optional.of(new Arrived(f.getUIDValidity(), uids));
    }, Optional.empty());
  }

  /**
   * Deletes these mails of the folder (the processed folder when {@code processed}) by UID EXPUNGE, only if its
   * UIDVALIDITY is still {@code uidValidity}: otherwise the UIDs name other mails. Returns how many were deleted.
   */
  int delete(boolean processed, long uidValidity, List<Long> uids) throws MessagingException {
    if (uids.isEmpty()) {
      return 0;
    }
    return inFolder(processed, Folder.READ_WRITE, f -> {
      Message[] messages = f.getUIDValidity() == uidValidity ? present(f, uids) : new Message[0];
      if (messages.length == 0) {
        return 0;
      }
      f.setFlags(messages, new Flags(Flags.Flag.DELETED), true);
      f.expunge(messages);
      return messages.length;
    }, 0);
  }

  /** Work on one IMAP folder. */
  private interface FolderWork<T> {
    T on(IMAPFolder folder) throws MessagingException;
  }

  /**
   * Runs {@code work} on the polled folder, or on the processed folder (opened in {@code mode} for it, then closed);
   * {@code absent} when that folder does not exist or the server has no UIDPLUS, without which no single mail can
   * be expunged.
   */
  private <T> T inFolder(boolean processed, int mode, FolderWork<T> work, T absent) throws MessagingException {
    IMAPFolder polled = open();
    if (!hasUidPlus()) {
      return absent;
    }
    if (!processed) {
      return work.on(polled);
    }
    IMAPFolder f = (IMAPFolder) store.getFolder(settings.processedFolder());
    if (!f.exists()) {
      return absent;
    }
    f.open(mode);
    try {
      return work.on(f);
    } finally {
      f.close(false);
    }
  }

  private boolean hasUidPlus() throws MessagingException {
    return ((IMAPStore) store).hasCapability("UIDPLUS");
  }

  /** The folder's mails with these UIDs that are still there. */
  private static Message[] present(IMAPFolder f, List<Long> uids) throws MessagingException {
    return Arrays.stream(f.getMessagesByUID(uids.stream().mapToLong(Long::longValue).toArray()))
        .filter(java.util.Objects::nonNull).toArray(Message[]::new);
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
