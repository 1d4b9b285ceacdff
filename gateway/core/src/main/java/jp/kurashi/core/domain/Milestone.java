package jp.kurashi.core.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A support milestone of a case: an assessment, a plan, a re-plan or an evaluation, done on a day.
 *
 * @param doneOn the day it was done (the monthly figures count it in that month)
 */
public record Milestone(long id, long caseId, String kind, LocalDate doneOn, String note, long recordedBy,
                        String recordedByName, Instant recordedAt) {

  /** The kinds, in the order of the support process. */
  public static final List<String> KINDS = List.of("assessment", "plan", "replan", "evaluation");
  public static final int MAX_NOTE = 2000;
}
