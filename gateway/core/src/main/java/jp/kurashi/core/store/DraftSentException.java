package jp.kurashi.core.store;

/** A console draft was sent already, with another text or by another login: sending it again would not send this one. */
public final class DraftSentException extends RuntimeException {

  public DraftSentException(long caseId) {
    super("この下書きはすでに送信されています。スレッドを確かめてください / this draft was sent already, with other "
        + "words or by someone else: check the thread, case " + caseId, null, false, false);
  }
}
