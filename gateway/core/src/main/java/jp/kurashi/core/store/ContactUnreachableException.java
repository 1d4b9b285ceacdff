package jp.kurashi.core.store;

/** The case's contact cannot be reached any more (e.g. the resident blocked the LINE account). */
public final class ContactUnreachableException extends RuntimeException {

  public ContactUnreachableException(long caseId) {
    super("相談者に届けられません(ブロックまたは連絡先が無効です)/ the resident can no longer be reached on this "
        + "channel (blocked or unsubscribed), case " + caseId, null, false, false);
  }
}
