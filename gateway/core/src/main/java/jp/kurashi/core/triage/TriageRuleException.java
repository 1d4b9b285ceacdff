package jp.kurashi.core.triage;

/** A rules file that cannot be used; the message names the line. The rules in force stay. */
public final class TriageRuleException extends Exception {

  private final int line;

  public TriageRuleException(int line, String message) {
    super("line " + line + ": " + message, null, false, false);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
