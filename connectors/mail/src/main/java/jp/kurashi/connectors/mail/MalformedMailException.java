package jp.kurashi.connectors.mail;

/** A mail that cannot be read at all; it is kept raw and, after three attempts, quarantined. */
final class MalformedMailException extends Exception {

  MalformedMailException(String message) {
    super(message, null, false, false);
  }
}
