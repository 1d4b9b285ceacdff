package jp.kurashi.testkit.crash;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.MailDesk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The desk's mail server (GreenMail, in this JVM, so it outlives every gateway kill) and residents
 * writing to it. A mail delivered to the desk's mailbox is acknowledged: the server holds it until
 * the gateway has processed it. Replies the gateway sends by SMTP land in the residents' mailboxes.
 */
final class MailResidents implements AutoCloseable {

  static final String DESK = "desk@" + MailDesk.DOMAIN;
  static final String DESK_LOGIN = "desk";
  static final String DESK_PASSWORD = "desk-password";
  private static final String RESIDENT_DOMAIN = "resident.example";

  /** A mail a resident received: its Message-ID and decoded text. */
  record Received(String messageId, String to, String text) {
  }

  private final MailDesk mail;
  private final MailDesk.Mailbox desk;
  private final int residents;
  private final Ledger ledger;

  MailResidents(int residents, Ledger ledger) {
    // GreenMail logs a stack trace each time a killed gateway drops its IMAP IDLE connection: expected here.
    if (org.slf4j.LoggerFactory.getLogger("com.icegreen") instanceof ch.qos.logback.classic.Logger logger) {
      logger.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    this.mail = MailDesk.start();
    this.desk = mail.mailbox(DESK_LOGIN, DESK_PASSWORD);
    this.residents = residents;
    this.ledger = ledger;
  }

  /** The gateway's MAIL_ settings for this server: plain IMAP polled every second, plain SMTP. */
  Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>(mail.settings(desk));
    // The outbox claims a mail reply for twice 15 SMTP waits (see MailConnector.longestSend): a reply claimed when the
    // gateway died is taken again only then, so a short step timeout keeps the run's quiet period short.
    settings.put("MAIL_TIMEOUT_SECONDS", "2");
    return Map.copyOf(settings);
  }

  /** Delivers one resident's mail into the desk's mailbox (no network: the mail server itself takes it). */
  void write(Random random) {
    int who = random.nextInt(residents);
    String marker = ledger.newMessage(Channel.MAIL);
    String raw = "From: resident" + who + "@" + RESIDENT_DOMAIN + "\r\nTo: " + DESK + "\r\n"
        + "Subject: =?UTF-8?B?" + Base64.getEncoder().encodeToString("相談".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
        + "Message-ID: <" + marker.replace("#", "") + "@" + RESIDENT_DOMAIN + ">\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + "貯金がなくなりました " + marker + "\r\n";
    try {
      desk.deliver(raw);
    } catch (MessagingException e) {
      throw new IllegalStateException("GreenMail refused a mail", e);
    }
    ledger.acked(Channel.MAIL, marker);
  }

  /** Every mail the gateway sent to residents. */
  List<Received> received() {
    List<Received> out = new ArrayList<>();
    for (MimeMessage m : mail.sentTo(RESIDENT_DOMAIN)) {
      try {
        out.add(new Received(m.getMessageID(), String.valueOf(m.getAllRecipients()[0]), text(m)));
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException("a reply could not be read", e);
      }
    }
    return out;
  }

  private static String text(Part part) throws MessagingException, IOException {
    Object content = part.getContent();
    if (content instanceof String s) {
      return s;
    }
    if (content instanceof Multipart mp) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < mp.getCount(); i++) {
        sb.append(text(mp.getBodyPart(i))).append('\n');
      }
      return sb.toString();
    }
    return "";
  }

  @Override
  public void close() {
    mail.close();
  }
}
