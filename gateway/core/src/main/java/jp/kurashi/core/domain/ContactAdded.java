package jp.kurashi.core.domain;

/** A contact made, as recorded; {@code alreadyRecorded} when its form had been recorded before and nothing was added. */
public record ContactAdded(ContactMade contact, boolean alreadyRecorded) {
}
