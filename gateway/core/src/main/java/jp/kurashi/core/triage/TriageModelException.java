package jp.kurashi.core.triage;

import java.io.IOException;

/** A model file that cannot be used, with a reason a chief can act on. */
public final class TriageModelException extends IOException {
  public TriageModelException(String message) {
    super(message);
  }
}
