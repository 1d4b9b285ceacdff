package jp.kurashi.core.domain;

import java.util.List;

/**
 * A case with its whole thread: sensitive, read only through an audited access check.
 */
public record CaseDetail(CaseSummary summary, String contactName, List<CaseMessage> messages) {
}
