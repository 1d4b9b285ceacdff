package jp.kurashi.connectors.mail;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.core.channel.ChannelConnector;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.SendReceipt;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.connectors.mail.MailStore;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Replies by SMTP from the desk's address, in the resident's thread: its own Message-ID (derived
 * from the outbox key, so a retried send carries the same id), In-Reply-To and References of the
 * thread, and the case token in the subject so an answer finds its case. UTF-8, or ISO-2022-JP by
 * setting. 4xx answers are retried, 5xx fail with the server's words.
 */
public final class MailConnector implements ChannelConnector {

  public static final String CHANNEL = "mail";
  private static final int MAX_REFERENCES = 10;
  /**
   * A whole send may take this many network waits' time ({@code MAIL_TIMEOUT_SECONDS} each), then its connection is
   * closed ({@link SmtpDeadline}). A send has up to fifteen waits (connect, greeting, EHLO, STARTTLS and its handshake,
   * EHLO again, AUTH, MAIL, RCPT, DATA, the message, the answer to its final dot, QUIT); a healthy server answers them
   * all in well under one.
   */
  static final int SEND_DEADLINE_WAITS = 5;

  private final Vertx vertx;
  private final MailSettings settings;
  private final MailStore store;
  private final String deskName;
  private final Session session;
  private final boolean implicitTls;
  private final SmtpDeadline deadline;

  /** Before the reason of a send that may have reached the resident although it failed. */
  static final String MAY_HAVE_ARRIVED = "メールサーバーが受け取った可能性があります。届いたか確かめてから再送してください"
      + " / the mail server may have taken it; check that it did not arrive before sending again. ";

  public MailConnector(Vertx vertx, MailSettings settings, MailStore store, String deskName) {
    this.vertx = vertx;
    this.settings = settings;
    this.store = store;
    this.deskName = deskName;
    this.deadline = new SmtpDeadline(vertx, settings.timeout().multipliedBy(SEND_DEADLINE_WAITS));
    Properties smtp = settings.smtpProperties();
    // Angus takes a factory instance from the properties; for implicit TLS it layers TLS on the factory's socket. No
    // fallback: after a failed connect Angus would try again on a socket of its own, which the deadline cannot close.
    for (String protocol : new String[] {"smtp", "smtps"}) {
      smtp.put("mail." + protocol + ".socketFactory", deadline);
      smtp.setProperty("mail." + protocol + ".socketFactory.fallback", "false");
    }
    this.session = Session.getInstance(smtp);
    this.implicitTls = "smtps".equals(smtp.getProperty("mail.transport.protocol"));
  }

  @Override
  public String channel() {
    return CHANNEL;
  }

  /**
   * The send's deadline, and one more wait for what closing its connection cannot cut short (resolving the server's
   * name): the outbox waits this long, so a server slow to accept DATA does not get the reply again from a retry while
   * the first send runs on, and holds a claimed reply twice that long.
   */
  @Override
  public Optional<Duration> longestSend() {
    return Optional.of(deadline.deadline().plus(settings.timeout()));
  }

  @Override
  public Future<SendReceipt> send(OutboundMessage message) {
    long started = System.nanoTime();
    return store.thread(message.caseId(), CaseToken.newSecret()).compose(thread -> vertx.executeBlocking(() -> {
      MimeMessage mail;
      try {
        mail = compose(message, thread);
      } catch (AddressException e) {
        // Nothing went out, and no retry can make the address sendable.
        throw SendFailure.permanent("宛先のメールアドレスを送信に使えません / the address cannot be sent to: "
            + oneLine(e.getMessage()));
      }
      DeskSmtpTransport transport = new DeskSmtpTransport(session, implicitTls);
      try {
        deadline.within(started, () -> transport.sendAndClose(mail, settings.user(), settings.password()));
      } catch (MessagingException e) {
        if (transport.mayHaveBeenTaken() && replyCode(e) == 0 && !message.automatic()) {
          // No answer to the final dot: the server may have the mail. Sent again on its own, a server slow at that
          // step would deliver every reply several times; staff decide, after checking with the resident. An
          // automatic message (the safety message at night, with nobody at the desk) is tried again: twice is better
          // than not at all.
          throw SendFailure.permanent("SMTP: " + oneLine(e.getMessage())).afterPartMayHaveArrived(MAY_HAVE_ARRIVED);
        }
        throw classify(e);
      }
      return new SendReceipt(mail.getMessageID());
    }, false));
  }

  MimeMessage compose(OutboundMessage message, MailStore.Thread thread) throws MessagingException {
    String messageId = "<" + message.idempotencyKey() + "@" + settings.domain() + ">";
    MimeMessage mail = new MimeMessage(session) {
      @Override
      protected void updateMessageID() throws MessagingException {
        setHeader("Message-ID", messageId);
      }
    };
    // Set, not parsed: the one-argument constructor refuses, whatever the session says, the addresses Japanese carriers
    // gave out for years (taro..yamada@docomo.ne.jp, taro.@ezweb.ne.jp), which their residents still use and which mail
    // servers accept. The session reads them back leniently (mail.mime.address.strict).
    String address = message.contactRef();
    // Printable ASCII only: SMTP without SMTPUTF8 would send each character's low byte, to someone else's mailbox.
    if (address.indexOf('@') <= 0
        || address.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '<' || c == '>' || c == ',')) {
      throw new AddressException("not a mail address"); // the address itself stays out of the reason, which is logged
    }
    InternetAddress to = new InternetAddress();
    to.setAddress(address);
    mail.setRecipient(Message.RecipientType.TO, to);
    String text = message.text();
    String subject = subject(thread.subject(), new CaseToken(message.caseId(), thread.token()));
    boolean iso2022 = "ISO-2022-JP".equalsIgnoreCase(settings.outboundCharset()) && Jis.canSend(text);
    // A subject ISO-2022-JP cannot carry (a resident's ①, ～, 髙 or their language's letters) goes in UTF-8 on its own.
    mail.setSubject(subject, iso2022 && Jis.canSendInHeader(subject) ? "ISO-2022-JP" : "UTF-8");
    try {
      mail.setFrom(new InternetAddress(settings.address(), deskName,
          iso2022 && Jis.canSendInHeader(deskName) ? "ISO-2022-JP" : StandardCharsets.UTF_8.name()));
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
    mail.setSentDate(new Date());
    if (thread.lastInboundMessageId() != null && thread.lastInboundMessageId().startsWith("<")) {
      mail.setHeader("In-Reply-To", thread.lastInboundMessageId());
    }
    List<String> refs = thread.messageIds();
    if (!refs.isEmpty()) {
      // The thread's first mail and the latest ones (RFC 5322 §3.6.4), folded: one header line of long ids can pass the
      // 998 octets a line may have.
      List<String> kept = refs.size() <= MAX_REFERENCES ? refs : Stream.concat(Stream.of(refs.get(0)),
          refs.subList(refs.size() - MAX_REFERENCES + 1, refs.size()).stream()).toList();
      mail.setHeader("References", MimeUtility.fold("References: ".length(), String.join(" ", kept)));
    }
    if (message.automatic()) {
      // RFC 3834: tells other auto-responders not to answer this one.
      mail.setHeader("Auto-Submitted", "auto-replied");
    }
    if (iso2022) {
      byte[] body = Jis.body(text);
      mail.setDataHandler(new DataHandler(new ByteArrayDataSource(body, "text/plain; charset=ISO-2022-JP")));
      // 7bit as old phones expect, unless a line would pass the 998 octets a relay may cut (mid escape sequence).
      mail.setHeader("Content-Transfer-Encoding", Jis.longestLine(body) <= Jis.LONGEST_7BIT_LINE ? "7bit" : "base64");
    } else {
      mail.setText(text, "UTF-8");
    }
    mail.saveChanges();
    return mail;
  }

  /** "Re: &lt;the resident's subject&gt; [KS-123-7f3a9c01]", the token and earlier Re:s not repeated. */
  static String subject(String threadSubject, CaseToken token) {
    String base = threadSubject == null || threadSubject.isBlank() ? "ご相談について" : threadSubject;
    base = CaseToken.strip(base).replaceAll("^(?i)((re|fwd?|aw|返信|転送)\\s*[:：]\\s*)+", "").trim();
    return "Re: " + base + " " + token;
  }

  private static RuntimeException classify(MessagingException e) {
    int code = replyCode(e);
    String words = "SMTP" + (code > 0 ? " " + code : "") + ": " + oneLine(cause(e).getMessage());
    if (code >= 500) {
      return SendFailure.permanent(words);
    }
    return SendFailure.transientError(words, null);
  }

  /** The server's reply code to the step that failed; 0 when it gave none (a timeout, a lost connection). */
  private static int replyCode(MessagingException e) {
    Exception cause = cause(e);
    if (cause instanceof SMTPAddressFailedException a) {
      return a.getReturnCode();
    }
    if (cause instanceof SMTPSendFailedException s) {
      return s.getReturnCode();
    }
    return e instanceof SMTPSendFailedException s ? s.getReturnCode() : 0;
  }

  private static Exception cause(MessagingException e) {
    return e instanceof SendFailedException sfe && sfe.getNextException() instanceof MessagingException next ? next : e;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }
}
