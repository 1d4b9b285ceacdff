package jp.kurashi.core.store;

/** A console form's draft was sent or recorded already, with other values or by another login: this one is not. */
public final class DraftSentException extends RuntimeException {

  public DraftSentException(long caseId) {
    super("この内容はすでに別の内容で送信・登録されています。スレッドや一覧を確かめてください / this form was sent or "
        + "recorded already, with other values or by someone else: check the thread or the list, case " + caseId, null, false,
        false);
  }
}
