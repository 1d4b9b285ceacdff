package jp.kurashi.core.domain;

/** A support milestone, as recorded; {@code alreadyRecorded} when its form had been recorded before and nothing was added. */
public record MilestoneRecorded(Milestone milestone, boolean alreadyRecorded) {
}
