package jp.kurashi.core.office;

/**
 * A crisis line shown to residents at all times and sent in the safety message.
 *
 * @param name   e.g. よりそいホットライン
 * @param number what to dial, e.g. 0120-279-338
 * @param hours  when it answers, e.g. 24時間
 */
public record Hotline(LocalizedText name, String number, LocalizedText hours) {
}
