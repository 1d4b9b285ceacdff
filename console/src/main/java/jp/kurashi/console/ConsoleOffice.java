package jp.kurashi.console;

import jp.kurashi.core.office.LocalizedText;

/** An office this deployment serves, as the console names it in its header. */
public record ConsoleOffice(long id, String code, LocalizedText name) {
}
