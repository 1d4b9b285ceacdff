package jp.kurashi.app;

/** The start was given up because the operator asked the gateway to stop while it was starting. */
public final class StopRequestedException extends RuntimeException {

  StopRequestedException() {
    super("stop requested during start", null, false, false);
  }
}
