package jp.kurashi.console;

import jp.kurashi.core.office.LocalizedText;

/**
 * An office this deployment serves: its name for the console's header, its opening hours (appointments) and the
 * privacy notice in force there (a case whose resident agreed to an older one shows so).
 */
public record ConsoleOffice(long id, String code, LocalizedText name, jp.kurashi.core.office.OfficeHours hours,
                            String privacyNoticeVersion) {
}
