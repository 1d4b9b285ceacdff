package jp.kurashi.core.store;

/** A reply to a case merged into another: its thread, and the resident's answers, are in the case kept. */
public final class CaseMergedException extends RuntimeException {

  private final long keptCaseId;

  public CaseMergedException(long caseId, long keptCaseId) {
    super("この相談は KS-" + keptCaseId + " に統合されました。そちらで返信してください / case " + caseId
        + " was merged into KS-" + keptCaseId + ": reply there", null, false, false);
    this.keptCaseId = keptCaseId;
  }

  public long keptCaseId() {
    return keptCaseId;
  }
}
