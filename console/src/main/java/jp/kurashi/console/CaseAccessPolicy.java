package jp.kurashi.console;

import jp.kurashi.core.domain.Role;
import jp.kurashi.core.domain.StaffMember;
import jp.kurashi.core.store.CaseStore.OfficeCase;

/**
 * Who may read a case's content: the chief of its office and the consultant it is assigned to.
 * The administrator manages accounts and settings and does not read consultations; everyone
 * else sees the queue summary only.
 */
public final class CaseAccessPolicy {

  /** True when {@code staff} may read the messages of {@code found}. */
  public boolean mayRead(StaffMember staff, OfficeCase found) {
    if (staff.officeId() != found.officeId()) {
      return false;
    }
    if (staff.role() == Role.CHIEF) {
      return true;
    }
    // Only a consultant reads by being assigned: an account that became admin while it held cases reads none.
    Long assignee = found.summary().assigneeId();
    return staff.role() == Role.CONSULTANT && assignee != null && assignee == staff.id();
  }
}
