package jp.kurashi.core.store;

/** A console form's draft was sent or recorded already, with other values or by another login: this one is not. */
public final class DraftSentException extends RuntimeException {

  private static final String MESSAGE = "この内容はすでに別の内容で送信・登録されています。スレッドや一覧を確かめてください / "
      + "this form was sent or recorded already, with other values or by someone else: check the thread or the list";

  public DraftSentException(long caseId) {
    super(MESSAGE + ", case " + caseId, null, false, false);
  }

  /** A form of no case (a complaints-register entry without one). */
  public DraftSentException() {
    super(MESSAGE, null, false, false);
  }
}
