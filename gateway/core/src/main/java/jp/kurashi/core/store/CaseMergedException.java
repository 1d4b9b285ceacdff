package jp.kurashi.core.store;

/** A reply or record for a case merged into another: its thread, the resident's answers and new records belong to the case kept. */
public final class CaseMergedException extends RuntimeException {

  private final long keptCaseId;

  public CaseMergedException(long caseId, long keptCaseId) {
    super("この相談は KS-" + keptCaseId + " に統合されました。KS-" + keptCaseId + " を開いて続けてください / case "
        + caseId + " was merged into KS-" + keptCaseId + ": continue there", null, false, false);
    this.keptCaseId = keptCaseId;
  }

  public long keptCaseId() {
    return keptCaseId;
  }
}
