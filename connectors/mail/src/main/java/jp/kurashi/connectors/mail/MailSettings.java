package jp.kurashi.connectors.mail;

import java.time.Duration;
import java.util.Properties;

/**
 * The email channel's settings ({@code MAIL_*}); the channel is off when no IMAP host is set.
 *
 * @param tls               implicit TLS for IMAP (imaps) and SMTP on 465, STARTTLS required on other SMTP ports
 * @param processedFolder   move processed mail there; {@code null} to flag it \Seen instead
 * @param outboundCharset   {@code UTF-8}, or {@code ISO-2022-JP} for recipients with old software
 * @param authservId        {@code MAIL_AUTHSERV_ID}: the authserv-id of the desk's receiving server, whose
 *                          {@code Authentication-Results} say whether a From passed DMARC; {@code null}: nothing is checked
 * @param serverKeep        {@code MAIL_SERVER_KEEP_DAYS}: how long a processed mail stays on the mail server after it
 *                          arrived there; {@code null}: the gateway deletes nothing, the server's own policy applies
 * @param maxMailBytes      {@code MAIL_MAX_BYTES}: a larger mail is not read into memory; its header and a note make
 *                          the message, and the mail stays unread on the server ({@link TooLargeMail})
 */
public record MailSettings(String imapHost, int imapPort, String smtpHost, int smtpPort, String user, String password,
                           String address, boolean tls, Duration pollInterval, String folder, String processedFolder,
                           String outboundCharset, int maxAttachmentBytes, Duration timeout, String authservId,
                           Duration serverKeep, long maxMailBytes) {

  /** The default {@code MAIL_MAX_BYTES}: above the 25-50 MB most mail servers accept, well within the heap. */
  public static final long DEFAULT_MAX_MAIL_BYTES = 64L * 1024 * 1024;

  /** As above, with {@code MAIL_MAX_BYTES} at its default. */
  public MailSettings(String imapHost, int imapPort, String smtpHost, int smtpPort, String user, String password,
                      String address, boolean tls, Duration pollInterval, String folder, String processedFolder,
                      String outboundCharset, int maxAttachmentBytes, Duration timeout, String authservId,
                      Duration serverKeep) {
    this(imapHost, imapPort, smtpHost, smtpPort, user, password, address, tls, pollInterval, folder, processedFolder,
        outboundCharset, maxAttachmentBytes, timeout, authservId, serverKeep, DEFAULT_MAX_MAIL_BYTES);
  }

  /** The cursor and lock name of this mailbox. */
  String mailboxKey() {
    return user + "@" + imapHost + "/" + folder;
  }

  /** The domain of the desk's address, for its Message-IDs. */
  String domain() {
    int at = address.lastIndexOf('@');
    return at < 0 ? imapHost : address.substring(at + 1);
  }

  Properties imapProperties() {
    String protocol = tls ? "imaps" : "imap";
    Properties p = new Properties();
    p.setProperty("mail.store.protocol", protocol);
    p.setProperty("mail." + protocol + ".host", imapHost);
    p.setProperty("mail." + protocol + ".port", String.valueOf(imapPort));
    p.setProperty("mail." + protocol + ".connectiontimeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".timeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".writetimeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".peek", "true");
    if (tls) {
      p.setProperty("mail.imaps.ssl.checkserveridentity", "true");
    }
    return p;
  }

  Properties smtpProperties() {
    boolean implicit = tls && smtpPort == 465;
    String protocol = implicit ? "smtps" : "smtp";
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", protocol);
    p.setProperty("mail." + protocol + ".host", smtpHost);
    p.setProperty("mail." + protocol + ".port", String.valueOf(smtpPort));
    p.setProperty("mail." + protocol + ".auth", String.valueOf(user != null && !user.isEmpty()));
    p.setProperty("mail." + protocol + ".connectiontimeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".timeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".writetimeout", String.valueOf(timeout.toMillis()));
    p.setProperty("mail." + protocol + ".from", address);
    // The mail is delivered once the final dot is answered; a slow or lost answer to QUIT would fail the send
    // and the retry would deliver it again.
    p.setProperty("mail." + protocol + ".quitwait", "false");
    // Read back leniently, as they are read in: old carrier addresses (taro..yamada@docomo.ne.jp) are real.
    p.setProperty("mail.mime.address.strict", "false");
    if (tls && !implicit) {
      p.setProperty("mail.smtp.starttls.enable", "true");
      p.setProperty("mail.smtp.starttls.required", "true");
    }
    if (tls) {
      p.setProperty("mail." + protocol + ".ssl.checkserveridentity", "true");
    }
    return p;
  }

  @Override
  public String toString() {
    return "MailSettings[imap=" + imapHost + ":" + imapPort + ", smtp=" + smtpHost + ":" + smtpPort + ", tls=" + tls + "]";
  }
}
