package jp.kurashi.testkit;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * A desk's mail server for tests: GreenMail with SMTP and IMAP on free loopback ports, its mailboxes, and the
 * gateway's {@code MAIL_*} settings for one of them. Close it after the gateway.
 * <pre>{@code
 * try (MailDesk mail = MailDesk.start()) {
 *   MailDesk.Mailbox desk = mail.mailbox("desk", "desk-password");
 *   try (RunningGateway running = RunningGateway.start(vertx, mail.settings(desk))) {
 *     desk.deliver("From: resident@example.jp\r\n...");
 * }</pre>
 */
public final class MailDesk implements AutoCloseable {

  /** The domain of every desk mailbox; residents write from other domains. */
  public static final String DOMAIN = "kurashi.example";

  private final GreenMail greenMail;

  private MailDesk(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  public static MailDesk start() {
    GreenMail greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
        new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
    return new MailDesk(greenMail);
  }

  public int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  public int imapPort() {
    return greenMail.getImap().getPort();
  }

  /** A desk mailbox, {@code <login>@kurashi.example}. */
  public Mailbox mailbox(String login, String password) {
    String address = login + "@" + DOMAIN;
    return new Mailbox(greenMail.setUser(address, login, password), login, password, address);
  }

  /** The gateway's settings for this mailbox: plain IMAP polled every second, plain SMTP. */
  public Map<String, String> settings(Mailbox box) {
    return Map.of("MAIL_IMAP_HOST", "127.0.0.1", "MAIL_IMAP_PORT", String.valueOf(imapPort()),
        "MAIL_SMTP_HOST", "127.0.0.1", "MAIL_SMTP_PORT", String.valueOf(smtpPort()),
        "MAIL_USER", box.login(), "MAIL_PASSWORD", box.password(), "MAIL_ADDRESS", box.address(),
        "MAIL_TLS", "false", "MAIL_POLL_SECONDS", "1");
  }

  /** Every mail the gateway sent by SMTP to an address of {@code domain}. */
  public MimeMessage[] sentTo(String domain) {
    return greenMail.getReceivedMessagesForDomain(domain);
  }

  /** Every mail the server received by SMTP. */
  public MimeMessage[] sent() {
    return greenMail.getReceivedMessages();
  }

  @Override
  public void close() {
    greenMail.stop();
  }

  /** A desk mailbox on the server: mail delivered here is what the gateway polls. */
  public record Mailbox(GreenMailUser user, String login, String password, String address) {

    /** Puts a raw mail (headers, blank line, body) in the mailbox as a resident's mailer would. */
    public void deliver(byte[] raw) throws MessagingException {
      user.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
    }

    public void deliver(String raw) throws MessagingException {
      deliver(raw.getBytes(StandardCharsets.UTF_8));
    }
  }
}
