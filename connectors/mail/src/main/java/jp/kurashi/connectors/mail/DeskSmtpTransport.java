package jp.kurashi.connectors.mail;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.io.IOException;

/**
 * Angus's SMTP transport, remembering whether the mail's final dot went to the server. A send that fails after it (no
 * answer to the dot in time, the connection lost while the server scanned the mail) may have been delivered: the
 * server may have taken the mail and only its answer was lost. Such a send is not retried on its own, since a server
 * slow at that step would otherwise get every reply several times.
 */
final class DeskSmtpTransport extends SMTPTransport {

  private boolean dataFinishing;

  DeskSmtpTransport(Session session, boolean implicitTls) {
    super(session, new URLName(implicitTls ? "smtps" : "smtp", null, -1, null, null, null),
        implicitTls ? "smtps" : "smtp", implicitTls);
  }

  @Override
  protected void finishData() throws IOException, MessagingException {
    dataFinishing = true;
    super.finishData();
  }

  /** Whether the final dot was being sent or answered when the send failed. */
  boolean mayHaveBeenTaken() {
    return dataFinishing;
  }

  /** Connects, sends {@code mail} to its recipients and closes; a failed close after a sent mail is not a failed send. */
  void sendAndClose(Message mail, String user, String password) throws MessagingException {
    mail.saveChanges();
    connect(user, password);
    try {
      sendMessage(mail, mail.getAllRecipients());
    } catch (MessagingException | RuntimeException e) {
      try {
        close();
      } catch (MessagingException closing) {
        e.addSuppressed(closing); // the send's own failure is the one that counts
      }
      throw e;
    }
    try {
      close();
    } catch (MessagingException e) {
      // The server took the mail (it answered the final dot); a lost answer to QUIT changes nothing.
    }
  }
}
