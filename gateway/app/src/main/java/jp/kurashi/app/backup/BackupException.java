package jp.kurashi.app.backup;

/** A backup or restore refused or failed, with one line an operator can act on (never a row's content). */
public final class BackupException extends Exception {

  public BackupException(String message) {
    super(message);
  }
}
