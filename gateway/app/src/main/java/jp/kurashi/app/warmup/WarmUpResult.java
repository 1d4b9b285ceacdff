package jp.kurashi.app.warmup;

/**
 * What a start-up warm-up wrote to its scratch gateway.
 *
 * @param acknowledged messages the scratch gateway acknowledged
 * @param pushed       message frames (out-of-hours notices, safety messages) it pushed to the residents' sockets
 */
public record WarmUpResult(int acknowledged, int pushed) {

  /** Nothing written: the warm-up was off, or failed. */
  public static final WarmUpResult NONE = new WarmUpResult(0, 0);
}
